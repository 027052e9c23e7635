// Telling peers apart: what counts as one client, and what is this machine.
#include "service/peer_address.hpp"

#include <doctest/doctest.h>

using namespace iro::server;

TEST_CASE("an IPv6 address counts by its /64, IPv4 (mapped or not) by itself") {
  CHECK(address_group("203.0.113.9") == "203.0.113.9");
  CHECK(address_group("::ffff:203.0.113.9") == "203.0.113.9");
  CHECK(address_group("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64");
  CHECK(address_group("2001:db8:1:2::7") == address_group("2001:db8:1:2:ffff::1"));
  CHECK(address_group("2001:db8:1:2::7") != address_group("2001:db8:1:3::7"));
  CHECK(address_group("unknown") == "unknown");
}

TEST_CASE("loopback is 127.0.0.0/8 and ::1, nothing else") {
  CHECK(is_loopback("127.0.0.1"));
  CHECK(is_loopback("127.9.9.9"));
  CHECK(is_loopback("::1"));
  CHECK(is_loopback("::ffff:127.0.0.1"));
  CHECK_FALSE(is_loopback("10.0.0.1"));
  CHECK_FALSE(is_loopback("::2"));
  CHECK_FALSE(is_loopback("128.0.0.1"));
  CHECK_FALSE(is_loopback("localhost"));  // a name is not an address
  CHECK_FALSE(is_loopback(""));
}
