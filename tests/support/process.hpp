// Runs a program as a real child process and captures what it prints.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace iro::test {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal (or by the timeout)
  std::string out;
  std::string err;
};

// User and system CPU seconds the process `pid` has used so far (/proc/PID/stat).
double process_cpu_seconds(int pid);

// Runs `argv[0]` with `argv`, stdin from `input`; kills it after `timeout`.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input = "",
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));

// A process left running while the test goes on; killed (SIGKILL) and reaped
// when destroyed, so no test leaves one behind.
class BackgroundProcess {
 public:
  // Output goes to `log` (appended), or nowhere when empty.
  BackgroundProcess(const std::vector<std::string>& argv, const std::string& log = "");
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  void signal(int signal_number);
  // Waits up to `limit`; the exit code, or -1 if killed by a signal or still running.
  int wait(std::chrono::milliseconds limit);
  bool finished() const { return m_pid <= 0; }

 private:
  int m_pid = -1;
};

// The lines of `text`, without their newlines.
std::vector<std::string> lines_of(const std::string& text);

}  // namespace iro::test
