#include "iro/working_days.hpp"

#include <doctest/doctest.h>

#include "iro/error.hpp"
#include "support/test_dates.hpp"

using iro::Date;

namespace {

using iro::test::day;

struct Step {
  const char* start;
  int count;
  const char* expected;
  const char* why;
};

}  // namespace

// Each expected date counted by hand on a calendar: step over each Saturday,
// Sunday and bank holiday (GOV.UK's list; by the rule after 2030).
TEST_CASE("adding working days steps over weekends and bank holidays") {
  const Step steps[] = {
      // Weekends.
      {"2024-03-01", 1, "2024-03-04", "Friday + 1: the Monday"},
      {"2024-03-02", 1, "2024-03-04", "from a Saturday: Monday is day 1"},
      {"2024-03-03", 1, "2024-03-04", "from a Sunday: Monday is day 1"},
      {"2024-03-04", 5, "2024-03-11", "a whole week"},
      {"2024-03-04", 0, "2024-03-04", "zero days is the day itself"},
      {"2024-03-04", -1, "2024-03-01", "back over a weekend"},
      {"2024-03-02", -1, "2024-03-01", "back from a Saturday"},
      // Christmas and New Year.
      {"2024-12-24", 1, "2024-12-27", "over Christmas Day and Boxing Day (Wed, Thu)"},
      {"2024-12-24", 4, "2025-01-02", "27, 30, 31 Dec, then over New Year's Day"},
      {"2021-12-24", 1, "2021-12-29", "25/26 Dec at the weekend: substitutes Mon 27 and Tue 28"},
      {"2021-12-31", 1, "2022-01-04", "1 Jan 2022 a Saturday: substitute Monday 3 Jan"},
      {"2022-12-23", 1, "2022-12-28", "25 Dec a Sunday: Boxing Day Mon 26, Christmas Tue 27"},
      {"2022-12-23", 4, "2023-01-03", "28, 29, 30 Dec, then over Mon 2 Jan (1 Jan a Sunday)"},
      {"2026-12-24", 1, "2026-12-29", "26 Dec a Saturday: Boxing Day substitute Mon 28"},
      {"2032-12-24", 1, "2032-12-29", "past the data, by rule: 25 Dec a Saturday: Mon 27, Tue 28"},
      {"2032-12-31", 1, "2033-01-04", "past the data, by rule: 1 Jan 2033 a Saturday: Mon 3"},
      {"2044-12-23", 1, "2044-12-28", "past the data, by rule: 25 Dec a Sunday: Mon 26, Tue 27"},
      {"2025-01-02", -2, "2024-12-30", "backwards over New Year's Day and a weekend"},
      // Easter: Good Friday and Easter Monday, early and late.
      {"2024-03-28", 1, "2024-04-02", "early Easter 2024: Fri 29 Mar and Mon 1 Apr"},
      {"2016-03-24", 1, "2016-03-29", "early Easter 2016: Fri 25 and Mon 28 Mar"},
      {"2019-04-18", 1, "2019-04-23", "late Easter 2019: Fri 19 and Mon 22 Apr"},
      {"2025-04-17", 1, "2025-04-22", "Easter 2025: Fri 18 and Mon 21 Apr"},
      {"2038-04-22", 1, "2038-04-27", "latest possible Easter (25 Apr 2038), by rule"},
      {"2008-03-20", 1, "2008-03-25", "earliest Easter in two centuries (23 Mar 2008), by rule"},
      {"2024-04-02", -1, "2024-03-28", "backwards over Easter"},
      // Other standing holidays.
      {"2024-05-03", 1, "2024-05-07", "over the early May holiday, Mon 6 May"},
      {"2024-05-24", 1, "2024-05-28", "over the spring holiday, Mon 27 May"},
      {"2024-08-23", 1, "2024-08-27", "over the summer holiday, Mon 26 Aug"},
      // The special days, which only the data has.
      {"2020-05-07", 1, "2020-05-11", "VE day: the early May holiday moved to Fri 8 May 2020"},
      {"2020-05-01", 1, "2020-05-04", "so Mon 4 May 2020 was a working day"},
      {"2022-06-01", 1, "2022-06-06", "Platinum Jubilee: Thu 2 and Fri 3 June 2022"},
      {"2022-05-27", 1, "2022-05-30", "the spring holiday moved, so Mon 30 May 2022 was working"},
      {"2022-09-16", 1, "2022-09-20", "the Queen's state funeral, Mon 19 Sep 2022"},
      {"2023-05-05", 1, "2023-05-09", "the coronation, Mon 8 May 2023"},
      {"2023-05-05", 2, "2023-05-10", "and the day after"},
      // Leap years.
      {"2024-02-28", 1, "2024-02-29", "29 February 2024 is a Thursday and a working day"},
      {"2024-02-29", 1, "2024-03-01", "and the day after it is 1 March"},
      {"2023-02-28", 1, "2023-03-01", "no 29 February in 2023"},
      {"2028-02-28", 1, "2028-02-29", "29 February 2028 is a Tuesday"},
      {"2024-03-01", -1, "2024-02-29", "backwards onto 29 February"},
  };
  const iro::HolidayCalendar& calendar = iro::HolidayCalendar::england_and_wales();
  for (const Step& step : steps) {
    CAPTURE(step.start);
    CAPTURE(step.count);
    CAPTURE(step.why);
    CHECK(iro::add_working_days(day(step.start), step.count, calendar) == day(step.expected));
  }
}

TEST_CASE("counting working days between two dates is adding them backwards") {
  const iro::HolidayCalendar& calendar = iro::HolidayCalendar::england_and_wales();
  // 27, 30, 31 December and 2 January: four working days after Christmas Eve 2024.
  CHECK(iro::working_days_after(day("2024-12-24"), day("2025-01-02"), calendar) == 4);
  CHECK(iro::working_days_after(day("2024-03-04"), day("2024-03-04"), calendar) == 0);
  // Over a whole year, each start and count round-trips.
  for (int offset = 0; offset < 366; offset += 7) {
    const Date start = day("2022-01-01").plus_days(offset);
    for (int count : {1, 5, 15, 20}) {
      CAPTURE(start.to_string());
      CHECK(iro::working_days_after(start, iro::add_working_days(start, count, calendar),
                                    calendar) == count);
    }
  }
  CHECK_THROWS_AS(iro::working_days_after(day("2024-03-04"), day("2024-03-01"), calendar),
                  iro::Error);
}

TEST_CASE("working days past the end of the supported years are refused, not wrapped") {
  const iro::HolidayCalendar& calendar = iro::HolidayCalendar::england_and_wales();
  CHECK_THROWS_AS(iro::add_working_days(day("2199-12-30"), 5, calendar), iro::Error);
}
