// Connections held at once, in total and per address.
#include "service/connection_limits.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace iro::server;

TEST_CASE("one address may hold its share, the server its total, and a place is given back") {
  ConnectionLimits limits({.total = 4, .per_address = 2});
  std::vector<std::shared_ptr<ConnectionLimits::Slot>> held;
  held.push_back(limits.admit("198.51.100.1"));
  held.push_back(limits.admit("198.51.100.1"));
  bool over_total = true;
  CHECK(limits.admit("198.51.100.1", &over_total) == nullptr);
  CHECK_FALSE(over_total);
  // Another host of the same IPv6 /64 shares that network's places.
  held.push_back(limits.admit("2001:db8::1"));
  held.push_back(limits.admit("2001:db8::2"));
  CHECK(limits.admit("2001:db8::3") == nullptr);
  CHECK(limits.open() == 4);
  CHECK(limits.admit("203.0.113.5", &over_total) == nullptr);
  CHECK(over_total);
  held.erase(held.begin());
  CHECK(limits.open() == 3);
  CHECK(limits.admit("203.0.113.5") != nullptr);  // given back at once
}
