// Checks shared by the tests that run the command lines as real processes.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "support/process.hpp"

namespace iro::test {

// A failure exits `exit_code` with exactly one line on stderr, naming
// `reason`, and nothing on stdout.
inline void check_refused(const ProcessResult& result, int exit_code, const std::string& reason) {
  INFO("stderr: " << result.err);
  CHECK(result.exit_code == exit_code);
  CHECK(result.out.empty());
  CHECK(lines_of(result.err).size() == 1);
  CHECK(result.err.find(reason) != std::string::npos);
}

}  // namespace iro::test
