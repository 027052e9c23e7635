// A real iro-server process on 127.0.0.1 for integration tests: its own data
// directory (and store on the engine the tests run on: test_store.hpp), an ephemeral port (read
// from its "listening on" line), logs in a file, and a stop (SIGTERM, then SIGKILL after a bound)
// when destroyed.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace iro::test {

class ServerProcess {
 public:
  // Starts `iro-server serve` on `data_dir`; waits (bounded) until it
  // listens. `security`: the serve flags that choose TLS or plaintext
  // (tls_flags() below, or the default, --insecure-loopback), and
  // `--store URL` for a PostgreSQL store instead of the data directory's.
  // `launcher`: a command that runs the server in place (execs it, keeping
  // its pid), e.g. {"prlimit", "--nofile=48:48", "--"}; empty: none.
  ServerProcess(std::string binary, std::filesystem::path data_dir, std::uint16_t port = 0,
                std::vector<std::string> security = {"--insecure-loopback"},
                std::vector<std::string> launcher = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return m_port; }
  // wss:// when the server has TLS.
  std::string url() const {
    return (m_tls ? "wss://127.0.0.1:" : "ws://127.0.0.1:") + std::to_string(m_port);
  }
  pid_t pid() const { return m_pid; }
  const std::filesystem::path& data_dir() const { return m_data_dir; }
  std::string log() const;

  // SIGTERM and wait; returns the exit status (-1 if it had to be killed).
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(15));
  // SIGKILL: a crash.
  void kill_now();
  bool running() const { return m_pid > 0; }

  // `iro-server admin --data DIR args...` (or --store URL: test_store.hpp),
  // `input` on its standard input (a password).
  ProcessResult admin(std::vector<std::string> args, const std::string& input = "") const;

 private:
  std::string m_binary;
  std::filesystem::path m_data_dir;
  std::filesystem::path m_log;
  pid_t m_pid = -1;
  std::uint16_t m_port = 0;
  bool m_tls = false;
};

// The serve flags for TLS with this certificate and key.
inline std::vector<std::string> tls_flags(const std::filesystem::path& cert,
                                          const std::filesystem::path& key) {
  return {"--tls-cert", cert.string(), "--tls-key", key.string()};
}

// A device: an `iro` store file, driven through the real command line.
class DeviceProcess {
 public:
  DeviceProcess(std::string binary, std::filesystem::path db)
      : m_binary(std::move(binary)), m_db(std::move(db)) {}
  ProcessResult run(std::vector<std::string> args) const;
  // Runs a command that must succeed and returns its last output line.
  std::string ok(std::vector<std::string> args) const;
  std::string export_json() const { return ok_all({"export", "--json"}); }
  const std::filesystem::path& db() const { return m_db; }

 private:
  std::string ok_all(std::vector<std::string> args) const;
  std::string m_binary;
  std::filesystem::path m_db;
};

}  // namespace iro::test
