// Failed authentication limited per address, on a clock the test moves.
#include "service/auth_throttle.hpp"

#include <doctest/doctest.h>

#include "support/manual_clock.hpp"

using namespace iro;
using namespace iro::server;
using iro::test::ManualClock;

namespace {

constexpr const char* kAttacker = "203.0.113.9";
constexpr const char* kOffice = "198.51.100.20";

void fail(AuthThrottle& throttle, const char* address, int times) {
  for (int i = 0; i < times; ++i) throttle.record_failure(address);
}

}  // namespace

TEST_CASE("an address is locked out at its fifth failure within a minute, and only that address") {
  ManualClock clock;
  AuthThrottle throttle({}, clock);
  fail(throttle, kAttacker, 4);
  CHECK_FALSE(throttle.check(kAttacker).has_value());
  throttle.record_failure(kAttacker);

  const auto lockout = throttle.check(kAttacker);
  REQUIRE(lockout.has_value());
  CHECK(lockout->failures == 5);
  CHECK(lockout->first_refusal);
  CHECK(lockout->retry_after_ms == 60'000);
  CHECK(AuthThrottle::refusal_reason(*lockout) ==
        "too many failed attempts from this address; try again in 60 s");
  CHECK_FALSE(throttle.check(kOffice).has_value());
}

TEST_CASE("failures spread over more than the window never lock an address out") {
  ManualClock clock;
  AuthThrottle throttle({}, clock);
  for (int i = 0; i < 20; ++i) {
    throttle.record_failure(kOffice);
    CHECK_FALSE(throttle.check(kOffice).has_value());
    clock.advance(15'001);  // four failures a minute
  }
}

TEST_CASE("a lockout ends when its oldest failure is a window old, and refusals do not extend it") {
  ManualClock clock;
  AuthThrottle throttle({}, clock);
  fail(throttle, kAttacker, 1);
  clock.advance(10'000);
  fail(throttle, kAttacker, 4);  // the fifth failure, 10 s after the first
  REQUIRE(throttle.check(kAttacker)->retry_after_ms == 50'000);

  clock.advance(20'000);
  const auto later = throttle.check(kAttacker);  // a retry while locked out
  REQUIRE(later.has_value());
  CHECK_FALSE(later->first_refusal);
  CHECK(later->retry_after_ms == 30'000);
  CHECK(AuthThrottle::refusal_reason(*later) ==
        "too many failed attempts from this address; try again in 30 s");

  clock.advance(29'999);
  CHECK(throttle.check(kAttacker).has_value());
  clock.advance(1);
  CHECK_FALSE(throttle.check(kAttacker).has_value());  // the good device gets back in
}

TEST_CASE("refusals after the first of a lockout are counted once the lockout is over") {
  ManualClock clock;
  AuthThrottle throttle({}, clock);
  fail(throttle, kAttacker, 5);
  REQUIRE(throttle.check(kAttacker)->first_refusal);
  for (int i = 0; i < 1000; ++i) REQUIRE_FALSE(throttle.check(kAttacker)->first_refusal);
  CHECK(throttle.take_summaries().empty());  // still locked out

  clock.advance(60'000);
  CHECK_FALSE(throttle.check(kAttacker).has_value());
  const auto summaries = throttle.take_summaries();
  REQUIRE(summaries.size() == 1);
  CHECK(summaries[0].address == kAttacker);
  CHECK(summaries[0].refusals == 1000);
  CHECK(throttle.take_summaries().empty());  // handed out once
}

TEST_CASE("a lockout's count is handed out even when that address never returns") {
  ManualClock clock;
  AuthThrottle throttle({}, clock);
  fail(throttle, kAttacker, 5);
  for (int i = 0; i < 4; ++i) throttle.check(kAttacker);  // the first refusal and 3 more
  clock.advance(61'000);
  const auto summaries = throttle.take_summaries();  // another address's Hello asks
  REQUIRE(summaries.size() == 1);
  CHECK(summaries[0].refusals == 3);
}

TEST_CASE("a second lockout of one address is a new first refusal") {
  ManualClock clock;
  AuthThrottle throttle({}, clock);
  fail(throttle, kAttacker, 5);
  CHECK(throttle.check(kAttacker)->first_refusal);
  throttle.check(kAttacker);
  clock.advance(60'000);
  fail(throttle, kAttacker, 5);
  CHECK(throttle.check(kAttacker)->first_refusal);
  const auto summaries = throttle.take_summaries();
  REQUIRE(summaries.size() == 1);  // the first lockout's one extra refusal
  CHECK(summaries[0].refusals == 1);
}

TEST_CASE("the limit and window are options, and a limit of 0 turns the throttle off") {
  ManualClock clock;
  AuthThrottle strict({.max_failures = 2, .window_ms = 1000}, clock);
  fail(strict, kAttacker, 2);
  REQUIRE(strict.check(kAttacker).has_value());
  CHECK(strict.check(kAttacker)->retry_after_ms == 1000);
  clock.advance(1000);
  CHECK_FALSE(strict.check(kAttacker).has_value());

  AuthThrottle off({.max_failures = 0}, clock);
  fail(off, kAttacker, 100);
  CHECK_FALSE(off.check(kAttacker).has_value());
}

TEST_CASE("the table of addresses is bounded, and forgets addresses whose failures are old") {
  ManualClock clock;
  AuthThrottle throttle({.max_failures = 2, .window_ms = 1000, .max_addresses = 3}, clock);
  for (const char* address : {"192.0.2.1", "192.0.2.2", "192.0.2.3"}) fail(throttle, address, 2);
  fail(throttle, "192.0.2.4", 2);  // full of locked-out addresses: not tracked
  CHECK(throttle.check("192.0.2.1").has_value());
  CHECK_FALSE(throttle.check("192.0.2.4").has_value());

  clock.advance(1000);  // every failure is old: the next new address is tracked
  fail(throttle, "192.0.2.5", 2);
  CHECK(throttle.check("192.0.2.5").has_value());
  CHECK_FALSE(throttle.check("192.0.2.1").has_value());
}

TEST_CASE("the address is the peer's without its port") {
  CHECK(AuthThrottle::address_of("127.0.0.1:54321") == "127.0.0.1");
  CHECK(AuthThrottle::address_of("::1:54321") == "::1");
  CHECK(AuthThrottle::address_of("[2001:db8::7]:443") == "2001:db8::7");
  CHECK(AuthThrottle::address_of("loopback") == "loopback");
  CHECK(AuthThrottle::address_of("unknown") == "unknown");
}

TEST_CASE("attempts in flight together count before any is judged, and a success is taken back") {
  ManualClock clock;
  AuthThrottle throttle({}, clock);
  // Forty sign-ins arrive before the first password check ends: five begin.
  int begun = 0;
  for (int i = 0; i < 40; ++i) begun += throttle.begin_attempt(kAttacker) ? 0 : 1;
  CHECK(begun == 5);
  // A right password takes its attempt back: the office is not locked out
  // by its own successful sign-ins.
  for (int i = 0; i < 20; ++i) {
    REQUIRE_FALSE(throttle.begin_attempt(kOffice).has_value());
    throttle.succeeded(kOffice);
  }
  CHECK_FALSE(throttle.check(kOffice).has_value());
}

TEST_CASE("an IPv6 network's /64 is one address to the throttle, and IPv4-mapped is IPv4") {
  ManualClock clock;
  AuthThrottle throttle({}, clock);
  for (int i = 1; i <= 5; ++i) throttle.record_failure("2001:db8:1:2::" + std::to_string(i));
  CHECK(throttle.check("2001:db8:1:2:ffff:eeee:dddd:cccc").has_value());
  CHECK_FALSE(throttle.check("2001:db8:1:3::1").has_value());  // another network
  fail(throttle, "::ffff:203.0.113.9", 5);
  CHECK(throttle.check(kAttacker).has_value());
}
