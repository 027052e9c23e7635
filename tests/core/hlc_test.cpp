#include "iro/hlc.hpp"

#include <doctest/doctest.h>

#include "support/manual_clock.hpp"

using iro::Hlc;
using iro::HybridClock;

TEST_CASE("an HLC packs 48 bits of milliseconds and a 16-bit counter") {
  const Hlc hlc = Hlc::from_parts(1'714'550'400'123, 7);
  CHECK(hlc.ms() == 1'714'550'400'123);
  CHECK(hlc.counter() == 7);
  CHECK(hlc.to_string() == "2024-05-01T08:00:00.123Z/7");
  CHECK(Hlc::from_parts(5, 0) > Hlc::from_parts(4, 65535));
}

TEST_CASE("ticks follow the wall clock and count within a millisecond") {
  iro::test::ManualClock wall(1000);
  HybridClock clock(wall);
  CHECK(clock.tick() == Hlc::from_parts(1000, 0));
  CHECK(clock.tick() == Hlc::from_parts(1000, 1));
  wall.set(1005);
  CHECK(clock.tick() == Hlc::from_parts(1005, 0));
}

TEST_CASE("ticks never go backwards when the wall clock does") {
  iro::test::ManualClock wall(50'000);
  HybridClock clock(wall);
  const Hlc before = clock.tick();
  wall.set(10'000);  // the tablet's clock was corrected back
  const Hlc after = clock.tick();
  CHECK(after > before);
  CHECK(after.ms() == 50'000);
}

TEST_CASE("a clock restarted from its stored last value moves forward") {
  iro::test::ManualClock wall(10);
  HybridClock clock(wall, Hlc::from_parts(20, 3));
  CHECK(clock.tick() == Hlc::from_parts(20, 4));
}

TEST_CASE("observing a remote timestamp puts the next tick after it") {
  iro::test::ManualClock wall(1000);
  HybridClock clock(wall);
  const Hlc remote = Hlc::from_parts(9000, 5);
  const Hlc observed = clock.observe(remote);
  CHECK(observed > remote);
  CHECK(clock.tick() > observed);
  // An older remote timestamp does not pull the clock back.
  CHECK(clock.observe(Hlc::from_parts(10, 0)) > observed);
}

TEST_CASE("a full counter spills into the next millisecond") {
  iro::test::ManualClock wall(1000);
  HybridClock clock(wall, Hlc::from_parts(1000, 0xffff));
  CHECK(clock.tick() == Hlc::from_parts(1001, 0));
  HybridClock observer(wall);
  CHECK(observer.observe(Hlc::from_parts(2000, 0xffff)) == Hlc::from_parts(2001, 0));
}

TEST_CASE("an HLC reads as its UTC time and counter") {
  CHECK(Hlc::from_parts(1'714'550'400'123, 7).to_string() == "2024-05-01T08:00:00.123Z/7");
}
