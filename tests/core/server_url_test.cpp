// The server's address and the rule every connecting host applies to it:
// wss:// to anywhere, plain ws:// only to this machine.
#include "iro/server_url.hpp"

#include <doctest/doctest.h>

#include <string>

#include "iro/error.hpp"

using iro::ErrorCode;
using iro::parse_server_url;

namespace {

// The message parse_server_url refuses `url` with; empty when it accepts it.
std::string refusal_of(const std::string& url) {
  try {
    parse_server_url(url);
  } catch (const iro::Error& error) {
    CHECK(error.code() == ErrorCode::invalid_input);
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("wss:// addresses parse to host, port, path and TLS") {
  const iro::ServerAddress address = parse_server_url("wss://iro.council.example:8765/sync");
  CHECK(address.host == "iro.council.example");
  CHECK(address.port == "8765");
  CHECK(address.path == "/sync");
  CHECK(address.tls);
  const iro::ServerAddress ipv6 = parse_server_url("wss://[2001:db8::7]:443");
  CHECK(ipv6.host == "2001:db8::7");
  CHECK(ipv6.path == "/");
}

TEST_CASE("plain ws:// is accepted to this machine only") {
  for (const char* url : {"ws://127.0.0.1:8765", "ws://127.8.9.10:1", "ws://localhost:8765",
                          "ws://LocalHost:8765/x", "ws://[::1]:8765"}) {
    CAPTURE(url);
    CHECK(refusal_of(url).empty());
    CHECK_FALSE(parse_server_url(url).tls);
  }
  for (const char* url : {"ws://example.org:8765", "ws://192.0.2.1:9", "ws://10.0.0.1:8765",
                          "ws://127.0.0.1.example.org:80", "ws://localhost.example.org:80",
                          "ws://[::ffff:127.0.0.1]:1", "ws://0177.0.0.1:1", "ws://127.1:1",
                          "ws://127.0.0.256:1", "ws://2130706433:1", "ws://[2001:db8::1]:1"}) {
    CAPTURE(url);
    const std::string refusal = refusal_of(url);
    CHECK(refusal.find("is not encrypted: use wss://") != std::string::npos);
    CHECK(refusal.find(url) != std::string::npos);
  }
}

TEST_CASE("a malformed address is refused with what is wrong") {
  CHECK(refusal_of("http://127.0.0.1:8765").find("is not a ws:// or wss:// address") !=
        std::string::npos);
  CHECK(refusal_of("wss://iro.council.example").find("needs a host and a port") !=
        std::string::npos);
  CHECK(refusal_of("wss://:8765").find("needs a host and a port") != std::string::npos);
  CHECK(refusal_of("wss://iro.council.example:http").find("is not a port number") !=
        std::string::npos);
}

TEST_CASE("is_loopback_host knows this machine's names and addresses only") {
  CHECK(iro::is_loopback_host("127.0.0.1"));
  CHECK(iro::is_loopback_host("127.255.255.255"));
  CHECK(iro::is_loopback_host("localhost"));
  CHECK(iro::is_loopback_host("::1"));
  CHECK_FALSE(iro::is_loopback_host(""));
  CHECK_FALSE(iro::is_loopback_host("128.0.0.1"));
  CHECK_FALSE(iro::is_loopback_host("127.0.0"));
  CHECK_FALSE(iro::is_loopback_host("127.0.0.1."));
  CHECK_FALSE(iro::is_loopback_host("127.00.0.1"));
  CHECK_FALSE(iro::is_loopback_host("localhost."));
}
