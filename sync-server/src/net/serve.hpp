// `iro-server serve`: the sync service on one io_context with a thread per
// core, the commit queue, live fan-out, and a clean stop on SIGTERM/SIGINT.
#pragma once

#include <cstdint>
#include <string>

namespace iro::server {

struct ServeConfig {
  std::string data_dir;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: the system picks; the chosen port is printed
  bool insecure_loopback = false;
  unsigned threads = 0;  // 0: one per core
};

// Runs until SIGTERM or SIGINT, then drains: stops accepting, lets each
// session finish the request in hand (its reply is sent only after its
// commit), closes them, and commits what is queued. Prints
// "iro-server listening on HOST:PORT" once ready. Returns the exit status.
int serve(const ServeConfig& config);

}  // namespace iro::server
