// The server's TLS settings: TLS 1.2 or newer, the certificate chain and key
// from PEM files (`serve --tls-cert --tls-key`).
#pragma once

#include <string>

#include "net/net.hpp"

namespace iro::server {

// Throws iro::Error(invalid_input) naming the file that cannot be used
// (missing, not PEM, or a key that does not match the certificate).
ssl::context make_server_tls_context(const std::string& cert_path, const std::string& key_path);

}  // namespace iro::server
