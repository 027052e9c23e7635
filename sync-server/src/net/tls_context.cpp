#include "net/tls_context.hpp"

#include <openssl/ssl.h>

#include <filesystem>

#include "iro/error.hpp"

namespace iro::server {
namespace {

void require_file(const std::string& path, const char* option) {
  std::error_code ignored;
  if (!std::filesystem::is_regular_file(path, ignored)) {
    throw Error(ErrorCode::invalid_input, std::string(option) + " " + path + ": no such file");
  }
}

}  // namespace

ssl::context make_server_tls_context(const std::string& cert_path, const std::string& key_path) {
  require_file(cert_path, "--tls-cert");
  require_file(key_path, "--tls-key");
  ssl::context context(ssl::context::tls_server);
  // TLS 1.0 and 1.1 are retired (RFC 8996); no compression (CRIME).
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                      ssl::context::no_compression | ssl::context::single_dh_use);
  // The key first: a certificate loaded after a key that does not match it
  // drops the key, so the check below names the mismatch (loaded the other
  // way round, OpenSSL's own message is "key values mismatch").
  beast::error_code error;
  context.use_private_key_file(key_path, ssl::context::pem, error);
  if (error) {
    throw Error(ErrorCode::invalid_input,
                "--tls-key " + key_path + " is not a PEM private key: " + error.message());
  }
  context.use_certificate_chain_file(cert_path, error);
  if (error) {
    throw Error(ErrorCode::invalid_input,
                "--tls-cert " + cert_path + " is not a PEM certificate chain: " + error.message());
  }
  if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
    throw Error(ErrorCode::invalid_input,
                "--tls-key " + key_path + " does not match the certificate in " + cert_path);
  }
  return context;
}

}  // namespace iro::server
