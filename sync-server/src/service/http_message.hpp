// An HTTP request and reply as the routes see them, without Beast (which
// only net/ includes): the parts of a request the pages use, and helpers to
// read a form, a query and a cookie.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace iro::server {

struct HttpRequest {
  std::string method;
  std::string target;  // path and query
  std::string peer;    // "address:port"
  std::string host;    // the Host header
  std::string origin;  // the Origin header; empty when absent
  std::string cookie;  // the Cookie header
  std::string content_type;
  std::string authorization;  // the Authorization header
  std::string body;           // at most kMaxRequestBytes (net/websocket_session.hpp)

  std::string_view path() const { return std::string_view(target).substr(0, target.find('?')); }
  std::string_view query() const {
    const auto mark = target.find('?');
    return mark == std::string::npos ? std::string_view()
                                     : std::string_view(target).substr(mark + 1);
  }
};

struct HttpReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers = {};  // Location, Set-Cookie...
};

// name=value pairs of a query string or an application/x-www-form-urlencoded
// body, percent-decoded ('+' is a space). A name given twice keeps its first
// value; a pair that does not decode is left out.
std::map<std::string, std::string> parse_form(std::string_view encoded);

// `text` percent-encoded for a query value.
std::string url_encode(std::string_view text);

// The value of cookie `name` in a Cookie header.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name);

// A 303 to `location` (after a form is posted: the browser then GETs it).
HttpReply see_other(std::string location);

}  // namespace iro::server
