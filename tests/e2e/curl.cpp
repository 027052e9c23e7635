#include "e2e/curl.hpp"

#include <doctest/doctest.h>

#include "support/process.hpp"

namespace iro::test {

CurlReply curl(County& county, const std::string& path, std::vector<std::string> extra) {
  std::vector<std::string> argv = {
      IRO_CURL,        "--silent", "--show-error", "--cacert", county.certificates().ca.string(),
      "--dump-header", "-",        "--max-time",   "10"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back("https://127.0.0.1:" + std::to_string(county.server().port()) + path);
  const ProcessResult run = run_process(argv);
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  return read_curl_reply(run.out);
}

}  // namespace iro::test
