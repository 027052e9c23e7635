#include "app/app_process.hpp"

#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace iro::test {

AppProcess::AppProcess(const std::filesystem::path& db, const std::filesystem::path& log,
                       std::vector<std::string> extra)
    : m_log(log) {
  std::vector<std::string> argv = {IRO_CLI, "--db", db.string(), "app"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  m_process = std::make_unique<BackgroundProcess>(argv, log.string());
  const std::regex printed("open (http://127\\.0\\.0\\.1:([0-9]+)/launch\\?secret=([0-9a-f]+))");
  for (int tries = 0; tries < 200; ++tries) {
    std::smatch match;
    const std::string text = this->log();
    if (std::regex_search(text, match, printed)) {
      m_launch_url = match[1];
      m_port = static_cast<std::uint16_t>(std::stoi(match[2]));
      m_secret = match[3];
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("iro app printed no address within 10 s: " + log.string());
}

AppProcess::~AppProcess() {
  stop();
}

std::string AppProcess::log() const {
  std::ifstream file(m_log);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

int AppProcess::stop() {
  if (!m_process || m_process->finished()) return -1;
  m_process->signal(SIGTERM);
  return m_process->wait(std::chrono::seconds(10));
}

}  // namespace iro::test
