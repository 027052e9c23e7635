// `iro-server serve`: the sync service on one io_context with a thread per
// core, the commit queue, live fan-out, and a clean stop on SIGTERM/SIGINT.
#pragma once

#include <cstddef>
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
  // Connections held at once (0: the process's file descriptor limit, less
  // a reserve for the store and logs), and from one address (or IPv6 /64).
  std::size_t max_connections = 0;
  std::size_t max_connections_per_address = 256;
  // Bytes of attachments one user may hold on the server, in MiB.
  std::uint64_t attachment_quota_mib = 2048;
  // A file holding the token /metrics asks of its scrapers (empty: only
  // scrapers on this machine, without a token).
  std::string metrics_token_file;
};

// Runs until SIGTERM or SIGINT, then drains: stops accepting, lets each
// session finish the request in hand (its reply is sent only after its
// commit), closes them, and commits what is queued. Prints
// "iro-server listening on HOST:PORT" once ready. Returns the exit status.
int serve(const ServeConfig& config);

}  // namespace iro::server
