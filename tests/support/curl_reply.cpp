#include "support/curl_reply.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <regex>
#include <sstream>

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

CurlReply read_curl_reply(const std::string& out) {
  CurlReply reply;
  const auto blank = out.find("\r\n\r\n");
  REQUIRE(blank != std::string::npos);
  reply.headers = out.substr(0, blank);
  reply.body = out.substr(blank + 4);
  std::smatch status;
  REQUIRE(std::regex_search(reply.headers, status, std::regex("^HTTP/1\\.1 ([0-9]{3})")));
  reply.status = std::stoi(status[1]);
  return reply;
}

}  // namespace iro::test
