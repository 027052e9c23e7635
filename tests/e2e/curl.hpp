// HTTPS requests to a county's TLS server with the curl command, as a
// load balancer's probe, a scraper or a script would make them, trusting the
// county's test CA.
#pragma once

#include <string>
#include <vector>

#include "e2e/county.hpp"
#include "support/curl_reply.hpp"

namespace iro::test {

// `curl` on the county's server at `path`; `extra`: more curl arguments.
CurlReply curl(County& county, const std::string& path, std::vector<std::string> extra = {});

}  // namespace iro::test
