// `iro-server serve`: the sync service on one io_context with a thread per
// core, the commit queue, live fan-out, and a clean stop on SIGTERM/SIGINT.
#pragma once

#include <cstdint>
#include <string>

namespace iro::server {

struct ServeConfig {
  std::string data_dir;   // the embedded SQLite store's directory, or
  std::string store_url;  // a PostgreSQL database shared with other nodes
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: the system picks; the chosen port is printed
  bool insecure_loopback = false;
  // PEM files for TLS; both or neither (then insecure_loopback is required).
  std::string tls_cert;
  std::string tls_key;
  unsigned threads = 0;  // 0: one per core
  // Failed Hellos and Enrols from one address within a minute before that
  // address is refused for the rest of the minute (0: no limit).
  unsigned auth_failures_per_minute = 5;
};

// Runs until SIGTERM or SIGINT, then drains: stops accepting, lets each
// session finish the request in hand (its reply is sent only after its
// commit), closes them, and commits what is queued. Prints
// "iro-server listening on HOST:PORT" once ready. Returns the exit status.
int serve(const ServeConfig& config);

}  // namespace iro::server
