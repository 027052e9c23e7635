// `iro-server admin --data DIR args...` run as main() runs it, in this
// process, for tests of the admin commands on a real data directory.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace iro::test {

struct AdminRun {
  int exit_code = 0;  // 0, 1 (refused or failed) or 2 (a malformed command line)
  std::string out;
  std::string err;
};

AdminRun run_admin(const std::filesystem::path& data_dir, std::vector<std::string> args);

}  // namespace iro::test
