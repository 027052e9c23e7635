#include "e2e/curl.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <regex>
#include <sstream>

#include "support/process.hpp"

namespace iro::test {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::string CurlReply::header(const std::string& name) const {
  std::istringstream lines(headers);
  const std::string wanted = lower(name) + ":";
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (lower(line.substr(0, wanted.size())) != wanted) continue;
    std::string value = line.substr(wanted.size());
    value.erase(0, value.find_first_not_of(' '));
    return value;
  }
  return "";
}

CurlReply curl(County& county, const std::string& path, std::vector<std::string> extra) {
  std::vector<std::string> argv = {
      IRO_CURL,        "--silent", "--show-error", "--cacert", county.certificates().ca.string(),
      "--dump-header", "-",        "--max-time",   "10"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back("https://127.0.0.1:" + std::to_string(county.server().port()) + path);
  const ProcessResult run = run_process(argv);
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CurlReply reply;
  const auto blank = run.out.find("\r\n\r\n");
  REQUIRE(blank != std::string::npos);
  reply.headers = run.out.substr(0, blank);
  reply.body = run.out.substr(blank + 4);
  std::smatch status;
  REQUIRE(std::regex_search(reply.headers, status, std::regex("^HTTP/1\\.1 ([0-9]{3})")));
  reply.status = std::stoi(status[1]);
  return reply;
}

}  // namespace iro::test
