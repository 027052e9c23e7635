#include "support/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/test_store.hpp"

extern char** environ;

namespace iro::test {
namespace {

bool wait_for_exit(pid_t pid, std::chrono::milliseconds limit, int& status) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace

ServerProcess::ServerProcess(std::string binary, std::filesystem::path data_dir, std::uint16_t port,
                             std::vector<std::string> security, std::vector<std::string> launcher)
    : m_binary(std::move(binary)), m_data_dir(std::move(data_dir)) {
  m_tls = std::find(security.begin(), security.end(), "--tls-cert") != security.end();
  m_log = m_data_dir.string() + ".log";
  // A server restarted on the same data directory appends to the same log:
  // only this run's lines say where it listens.
  std::error_code no_log_yet;
  std::uintmax_t log_start = std::filesystem::file_size(m_log, no_log_yet);
  if (no_log_yet) log_start = 0;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, m_log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  std::vector<std::string> argv = {m_binary, "serve", "--listen", listen};
  // The store: the data directory's, on the engine the tests run on
  // (support/test_store.hpp), unless the caller names one.
  if (std::find(security.begin(), security.end(), "--store") == security.end()) {
    const auto store = test_store_options(m_data_dir);
    argv.insert(argv.end(), store.begin(), store.end());
  }
  argv.insert(argv.end(), security.begin(), security.end());
  argv.insert(argv.begin(), launcher.begin(), launcher.end());
  std::vector<char*> args;
  for (auto& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  if (posix_spawnp(&m_pid, argv.front().c_str(), &actions, nullptr, args.data(), environ) != 0) {
    posix_spawn_file_actions_destroy(&actions);
    throw std::runtime_error("cannot start " + m_binary);
  }
  posix_spawn_file_actions_destroy(&actions);

  // The log's "listening on 127.0.0.1:PORT" line says it is ready, and where.
  const std::regex listening("listening on 127\\.0\\.0\\.1:([0-9]+)");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch match;
    const std::string whole = log();
    const std::string text = whole.substr(std::min<std::uintmax_t>(log_start, whole.size()));
    if (std::regex_search(text, match, listening)) {
      m_port = static_cast<std::uint16_t>(std::stoi(match[1]));
      return;
    }
    int status = 0;
    if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_pid = -1;
      throw std::runtime_error("iro-server exited at start: " + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill_now();
  throw std::runtime_error("iro-server did not start listening within 20 s");
}

ServerProcess::~ServerProcess() {
  if (m_pid > 0) stop(std::chrono::seconds(5));
}

std::string ServerProcess::log() const {
  std::ifstream file(m_log);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

int ServerProcess::stop(std::chrono::milliseconds grace) {
  if (m_pid <= 0) return -1;
  ::kill(m_pid, SIGTERM);
  int status = 0;
  if (!wait_for_exit(m_pid, grace, status)) {
    ::kill(m_pid, SIGKILL);
    waitpid(m_pid, &status, 0);
    m_pid = -1;
    return -1;
  }
  m_pid = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void ServerProcess::kill_now() {
  if (m_pid <= 0) return;
  ::kill(m_pid, SIGKILL);
  int status = 0;
  waitpid(m_pid, &status, 0);
  m_pid = -1;
}

ProcessResult ServerProcess::admin(std::vector<std::string> args, const std::string& input) const {
  return run_process(admin_command(m_binary, m_data_dir, args), input);
}

ProcessResult DeviceProcess::run(std::vector<std::string> args) const {
  args.insert(args.begin(), {m_binary, "--db", m_db.string()});
  return run_process(args, "", std::chrono::seconds(120));
}

std::string DeviceProcess::ok_all(std::vector<std::string> args) const {
  const ProcessResult result = run(args);
  if (result.exit_code != 0) {
    throw std::runtime_error("iro " + (args.empty() ? "" : args[0]) + " failed (" +
                             std::to_string(result.exit_code) + "): " + result.err);
  }
  return result.out;
}

std::string DeviceProcess::ok(std::vector<std::string> args) const {
  const auto lines = lines_of(ok_all(std::move(args)));
  return lines.empty() ? "" : lines.back();
}

}  // namespace iro::test
