// A real `iro app` on a store, for tests: started on a free port, its
// address read from what it prints, stopped (SIGTERM) when destroyed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace iro::test {

class AppProcess {
 public:
  // `extra`: more arguments after `app` (--port, --assets).
  AppProcess(const std::filesystem::path& db, const std::filesystem::path& log,
             std::vector<std::string> extra = {});
  ~AppProcess();

  std::uint16_t port() const { return m_port; }
  const std::string& launch_url() const { return m_launch_url; }
  const std::string& secret() const { return m_secret; }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(m_port); }
  std::string log() const;
  // SIGTERM; the exit status (-1 if it had to be killed).
  int stop();

 private:
  std::filesystem::path m_log;
  std::unique_ptr<BackgroundProcess> m_process;
  std::uint16_t m_port = 0;
  std::string m_launch_url;
  std::string m_secret;
};

}  // namespace iro::test
