// Throwaway certificates for TLS tests, made with the openssl command line
// (Debian's openssl package, installed by scripts/setup) into a test's
// directory: a CA, a server certificate it signed for 127.0.0.1 and
// localhost, and the wrong things a device must refuse.
#pragma once

#include <filesystem>

namespace iro::test {

struct TestCertificates {
  std::filesystem::path ca;           // the CA the council's devices trust (PEM)
  std::filesystem::path server_cert;  // signed by `ca`, for IP 127.0.0.1 and DNS localhost
  std::filesystem::path server_key;
  std::filesystem::path other_ca;         // a CA that signed nothing here
  std::filesystem::path wrong_host_cert;  // signed by `ca`, but for elsewhere.invalid
  std::filesystem::path wrong_host_key;
  std::filesystem::path self_signed_cert;  // for 127.0.0.1, signed by itself
  std::filesystem::path self_signed_key;
};

// Makes them under `dir` (created). Valid for two days. Throws
// std::runtime_error with openssl's message when a step fails.
TestCertificates make_test_certificates(const std::filesystem::path& dir);

}  // namespace iro::test
