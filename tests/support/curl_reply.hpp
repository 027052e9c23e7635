// What `curl --dump-header - URL` printed, read back: the status, the
// headers and the body. For tests that ask servers over HTTP as a probe, a
// scraper or another program on the machine would.
#pragma once

#include <string>

namespace iro::test {

struct CurlReply {
  int status = 0;
  std::string headers;  // the status line and the headers, CRLF between
  std::string body;

  // A header's value (the first of that name, compared case-insensitively);
  // empty when absent.
  std::string header(const std::string& name) const;
};

// Fails the test (REQUIRE) when `out` is not a status line, headers and a body.
CurlReply read_curl_reply(const std::string& out);

}  // namespace iro::test
