// Reading what a browser sends (service/http_message.hpp): forms, queries
// and cookies, including the malformed.
#include "service/http_message.hpp"

#include <doctest/doctest.h>

using namespace iro::server;

TEST_CASE("a form decodes percent escapes and pluses, keeps first values and drops bad pairs") {
  const auto form = parse_form("council=demo-county&login=pat.manager&password=a%20b%2Bc+d%26e");
  CHECK(form.at("council") == "demo-county");
  CHECK(form.at("login") == "pat.manager");
  CHECK(form.at("password") == "a b+c d&e");
  const auto odd = parse_form("a=1&a=2&=3&b&c=%zz&d=%4&e=%41%42");
  CHECK(odd.at("a") == "1");
  CHECK(odd.at("b").empty());
  CHECK(odd.count("") == 0);
  CHECK(odd.count("c") == 0);  // not an escape
  CHECK(odd.count("d") == 0);  // cut short
  CHECK(odd.at("e") == "AB");
  CHECK(parse_form("").empty());
  CHECK(parse_form("&&&").empty());
}

TEST_CASE("a request's path and query split at the first question mark") {
  HttpRequest request;
  request.target = "/dashboard/annual-report?from=2025-04-01&to=2026-03-31";
  CHECK(request.path() == "/dashboard/annual-report");
  CHECK(request.query() == "from=2025-04-01&to=2026-03-31");
  request.target = "/dashboard";
  CHECK(request.path() == "/dashboard");
  CHECK(request.query().empty());
}

TEST_CASE("a cookie is found by its exact name among others") {
  CHECK(cookie_value("iro_session=abc", "iro_session") == "abc");
  CHECK(cookie_value("theme=dark; iro_session=abc ;x=y", "iro_session") == "abc");
  CHECK(cookie_value("xiro_session=abc; iro_session_old=d", "iro_session") == std::nullopt);
  CHECK(cookie_value("", "iro_session") == std::nullopt);
  CHECK(cookie_value("iro_session=", "iro_session") == "");
}

TEST_CASE("a query value is percent-encoded so it decodes back") {
  const std::string odd = "2025-04-01&to=x y/é";
  CHECK(url_encode("2025-04-01") == "2025-04-01");
  CHECK(parse_form("v=" + url_encode(odd)).at("v") == odd);
}
