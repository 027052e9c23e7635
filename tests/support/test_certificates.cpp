#include "support/test_certificates.hpp"

#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace iro::test {
namespace {

namespace fs = std::filesystem;

void openssl(std::vector<std::string> args) {
  args.insert(args.begin(), IRO_OPENSSL);
  const ProcessResult result = run_process(args);
  if (result.exit_code != 0) {
    throw std::runtime_error("openssl " + args.at(1) + " failed: " + result.err);
  }
}

// A P-256 key and a self-signed certificate for `subject`.
void self_signed(const fs::path& cert, const fs::path& key, const std::string& subject,
                 const std::string& extensions) {
  std::vector<std::string> args = {
      "req",    "-x509",   "-newkey",    "ec",   "-pkeyopt",    "ec_paramgen_curve:P-256",
      "-nodes", "-keyout", key.string(), "-out", cert.string(), "-days",
      "2",      "-subj",   subject};
  if (!extensions.empty()) args.insert(args.end(), {"-addext", extensions});
  openssl(args);
}

// A P-256 key and a certificate for `alt_names` signed by the CA.
void signed_by(const fs::path& ca_cert, const fs::path& ca_key, const fs::path& cert,
               const fs::path& key, const std::string& subject, const std::string& alt_names) {
  const fs::path request = cert.string() + ".csr";
  const fs::path extensions = cert.string() + ".ext";
  openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
           key.string(), "-out", request.string(), "-subj", subject});
  std::ofstream(extensions) << "subjectAltName=" << alt_names << "\n";
  openssl({"x509", "-req", "-in", request.string(), "-CA", ca_cert.string(), "-CAkey",
           ca_key.string(), "-CAcreateserial", "-out", cert.string(), "-days", "2", "-extfile",
           extensions.string()});
}

}  // namespace

TestCertificates make_test_certificates(const fs::path& dir) {
  fs::create_directories(dir);
  TestCertificates made;
  made.ca = dir / "ca.pem";
  const fs::path ca_key = dir / "ca.key";
  self_signed(made.ca, ca_key, "/CN=iro-sync test CA", "basicConstraints=critical,CA:TRUE");

  made.server_cert = dir / "server.pem";
  made.server_key = dir / "server.key";
  signed_by(made.ca, ca_key, made.server_cert, made.server_key, "/CN=127.0.0.1",
            "IP:127.0.0.1,DNS:localhost");

  made.other_ca = dir / "other-ca.pem";
  self_signed(made.other_ca, dir / "other-ca.key", "/CN=another CA",
              "basicConstraints=critical,CA:TRUE");

  made.wrong_host_cert = dir / "wrong-host.pem";
  made.wrong_host_key = dir / "wrong-host.key";
  signed_by(made.ca, ca_key, made.wrong_host_cert, made.wrong_host_key, "/CN=elsewhere.invalid",
            "DNS:elsewhere.invalid");

  made.self_signed_cert = dir / "self-signed.pem";
  made.self_signed_key = dir / "self-signed.key";
  self_signed(made.self_signed_cert, made.self_signed_key, "/CN=127.0.0.1",
              "subjectAltName=IP:127.0.0.1");
  return made;
}

}  // namespace iro::test
