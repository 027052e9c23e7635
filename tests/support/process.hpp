// Runs a program as a real child process and captures what it prints.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace iro::test {

struct ProcessResult {
  int exit_code = -1;   // -1 when killed by a signal (or by the timeout)
  std::string out;
  std::string err;
};

// Runs `argv[0]` with `argv`, stdin from `input`; kills it after `timeout`.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input = "",
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));

// The lines of `text`, without their newlines.
std::vector<std::string> lines_of(const std::string& text);

}  // namespace iro::test
