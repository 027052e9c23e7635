// The server's logfmt lines (service/log_line.hpp): what a log tool can
// split back into its keys, whatever a value holds.
#include "service/log_line.hpp"

#include <doctest/doctest.h>

using namespace iro::server;

TEST_CASE("a log line is event and key=value pairs, quoting and escaping what needs it") {
  CHECK(logfmt("hello", {{"device", "d-1"}, {"cursor", "42"}}) ==
        "event=hello device=d-1 cursor=42");
  CHECK(logfmt("refused", {{"reason", "no such child"}}) ==
        "event=refused reason=\"no such child\"");
  CHECK(logfmt("x", {{"empty", ""}}) == "event=x empty=\"\"");
  CHECK(logfmt("x", {{"v", "a=b"}}) == "event=x v=\"a=b\"");
  CHECK(logfmt("x", {{"v", "say \"hi\" \\ bye"}}) == "event=x v=\"say \\\"hi\\\" \\\\ bye\"");
  // A line never breaks: control characters become spaces.
  CHECK(logfmt("x", {{"v", "one\ntwo\rthree\tfour"}}) == "event=x v=\"one two three four\"");
  CHECK(logfmt("no-fields", {}) == "event=no-fields");
}

TEST_CASE("a long value is cut, and connection ids are unique") {
  const std::string line = logfmt("x", {{"v", std::string(1000, 'a')}});
  CHECK(line.size() == std::string("event=x v=").size() + 200);
  const std::string first = next_connection_id();
  const std::string second = next_connection_id();
  CHECK(first != second);
  CHECK(first.substr(0, first.find('-')) == second.substr(0, second.find('-')));  // one process
}
