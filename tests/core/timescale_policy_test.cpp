#include "iro/timescale_policy.hpp"

#include <doctest/doctest.h>

#include <string>

#include "iro/error.hpp"
#include "support/test_dates.hpp"

using iro::Date;
using iro::Interval;
using iro::TimeUnit;

namespace {

using iro::test::day;

}  // namespace

TEST_CASE("intervals count working days, calendar days, weeks or clamped months") {
  const iro::HolidayCalendar& calendar = iro::HolidayCalendar::england_and_wales();
  // Mon 8 Jan 2024 + 20 working days: four whole weeks, no holiday.
  CHECK(Interval{20, TimeUnit::working_days}.after(day("2024-01-08"), calendar) ==
        day("2024-02-05"));
  CHECK(Interval{28, TimeUnit::days}.after(day("2024-01-06"), calendar) == day("2024-02-03"));
  CHECK(Interval{12, TimeUnit::weeks}.after(day("2024-02-05"), calendar) == day("2024-04-29"));
  // Month ends clamp: 30 Nov + 3 months and 31 Aug + 6 months land on the last of February.
  CHECK(Interval{3, TimeUnit::months}.after(day("2023-11-30"), calendar) == day("2024-02-29"));
  CHECK(Interval{3, TimeUnit::months}.after(day("2022-11-30"), calendar) == day("2023-02-28"));
  CHECK(Interval{6, TimeUnit::months}.after(day("2023-08-31"), calendar) == day("2024-02-29"));
  CHECK(Interval{6, TimeUnit::months}.after(day("2024-08-31"), calendar) == day("2025-02-28"));

  CHECK(Interval{20, TimeUnit::working_days}.describe() == "20 working days");
  CHECK(Interval{1, TimeUnit::working_days}.describe() == "1 working day");
  CHECK(Interval{183, TimeUnit::days}.describe() == "183 days");
  CHECK(Interval{12, TimeUnit::weeks}.describe() == "12 weeks");
  CHECK(Interval{6, TimeUnit::months}.describe() == "6 months");
}

TEST_CASE("a schedule gives the first, second and every later interval") {
  CHECK(iro::kStatutoryReviews.before_meeting(1) == Interval{20, TimeUnit::working_days});
  CHECK(iro::kStatutoryReviews.before_meeting(2) == Interval{3, TimeUnit::months});
  CHECK(iro::kStatutoryReviews.before_meeting(3) == Interval{6, TimeUnit::months});
  CHECK(iro::kStatutoryReviews.before_meeting(40) == Interval{6, TimeUnit::months});
  CHECK(iro::kChildProtectionConferences.before_meeting(1) == Interval{15, TimeUnit::working_days});
  CHECK_THROWS_AS(iro::kStatutoryReviews.before_meeting(0), iro::Error);
}

TEST_CASE("policies are found by name and statutory has no local target") {
  const auto policies = iro::timescale_policies();
  REQUIRE(policies.size() == 4);
  CHECK(policies[0].name == "statutory");
  CHECK_FALSE(policies[0].local_reviews.has_value());

  const auto& herefordshire = iro::timescale_policy("herefordshire");
  REQUIRE(herefordshire.local_reviews.has_value());
  CHECK(herefordshire.local_reviews->first == Interval{28, TimeUnit::days});
  CHECK(herefordshire.local_reviews->second == Interval{12, TimeUnit::weeks});
  CHECK(herefordshire.local_reviews->subsequent == Interval{6, TimeUnit::months});

  const auto& leicestershire = iro::timescale_policy("leicestershire");
  CHECK(leicestershire.local_reviews->first == Interval{28, TimeUnit::days});
  CHECK(leicestershire.local_reviews->second == Interval{3, TimeUnit::months});

  const auto& sunderland = iro::timescale_policy("sunderland");
  CHECK(sunderland.local_reviews->first == Interval{20, TimeUnit::working_days});
  CHECK(sunderland.local_reviews->second == Interval{91, TimeUnit::days});
  CHECK(sunderland.local_reviews->subsequent == Interval{183, TimeUnit::days});
}

TEST_CASE("an unknown policy is refused with the known names") {
  try {
    iro::timescale_policy("Durham");
    FAIL("expected an error");
  } catch (const iro::Error& error) {
    CHECK(error.code() == iro::ErrorCode::invalid_input);
    CHECK(std::string(error.what()) ==
          "unknown timescale policy \"Durham\" (known: statutory, herefordshire, "
          "leicestershire, sunderland)");
  }
}
