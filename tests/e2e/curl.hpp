// HTTPS requests to a county's TLS server with the curl command, as a
// load balancer's probe, a scraper or a script would make them, trusting the
// county's test CA.
#pragma once

#include <string>
#include <vector>

#include "e2e/county.hpp"

namespace iro::test {

struct CurlReply {
  int status = 0;
  std::string headers;  // the status line and the headers, CRLF between
  std::string body;

  // A header's value (the first of that name, compared case-insensitively);
  // empty when absent.
  std::string header(const std::string& name) const;
};

// `curl` on the county's server at `path`; `extra`: more curl arguments.
CurlReply curl(County& county, const std::string& path, std::vector<std::string> extra = {});

}  // namespace iro::test
