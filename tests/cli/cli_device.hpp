// A device store driven through the real `iro` command line (IRO_CLI), in a
// temp dir of its own: what the CLI tests share.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace iro::test {

struct CliDevice {
  TempDir dir;
  std::string db = (dir / "tablet.db").string();

  // `iro --db DB args...`
  ProcessResult run(std::vector<std::string> args) const {
    args.insert(args.begin(), {IRO_CLI, "--db", db});
    return run_process(args);
  }

  // Runs a command that must succeed; returns its last line of output.
  std::string ok(std::vector<std::string> args) const {
    const ProcessResult result = run(args);
    INFO("iro " << (args.empty() ? "" : args[0]) << ": " << result.err);
    REQUIRE(result.exit_code == 0);
    const auto lines = lines_of(result.out);
    return lines.empty() ? "" : lines.back();
  }

  // The demo caseload (3 children, no server).
  void seed_demo() const { ok({"demo", "seed", "--children", "3", "--seed", "7"}); }
};

}  // namespace iro::test
