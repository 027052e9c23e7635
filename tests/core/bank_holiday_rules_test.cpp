#include "iro/bank_holiday_rules.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "iro/error.hpp"
#include "iro/holiday_calendar.hpp"
#include "support/test_dates.hpp"

using iro::BankHoliday;
using iro::Date;

namespace {

using iro::test::day;

std::vector<std::string> dates_of(const std::vector<BankHoliday>& holidays) {
  std::vector<std::string> dates;
  for (const BankHoliday& holiday : holidays) dates.push_back(holiday.date.to_string());
  return dates;
}

// Holidays in `a` that are not in `b` (by date and name).
std::vector<std::string> missing_from(const std::vector<BankHoliday>& a,
                                      const std::vector<BankHoliday>& b) {
  std::vector<std::string> missing;
  for (const BankHoliday& holiday : a) {
    if (std::ranges::find(b, holiday) == b.end()) missing.push_back(holiday.date.to_string());
  }
  return missing;
}

}  // namespace

TEST_CASE("Easter Sunday by the computus, including the earliest and latest Easters") {
  // Published Easter dates. 22 March and 25 April are the earliest and latest
  // possible; 2008 was the earliest for two centuries, 2038 is the latest.
  const std::pair<int, const char*> easters[] = {
      {1913, "1913-03-23"}, {1943, "1943-04-25"}, {2000, "2000-04-23"}, {2008, "2008-03-23"},
      {2011, "2011-04-24"}, {2016, "2016-03-27"}, {2019, "2019-04-21"}, {2024, "2024-03-31"},
      {2025, "2025-04-20"}, {2038, "2038-04-25"}, {2100, "2100-03-28"}, {2160, "2160-03-23"},
  };
  for (const auto& [year, easter] : easters) {
    CAPTURE(year);
    CHECK(iro::easter_sunday(year) == day(easter));
  }
  CHECK_THROWS_AS(iro::easter_sunday(2200), iro::Error);
}

TEST_CASE("the rule gives eight holidays a year with the substitute days for weekends") {
  // 2032: 25 December is a Saturday, so Christmas moves to Monday 27 and Boxing
  // Day to Tuesday 28; 1 January 2033 is a Saturday, so Monday 3 January.
  CHECK(dates_of(iro::bank_holidays_by_rule(2032)) ==
        std::vector<std::string>{"2032-01-01", "2032-03-26", "2032-03-29", "2032-05-03",
                                 "2032-05-31", "2032-08-30", "2032-12-27", "2032-12-28"});
  CHECK(iro::bank_holidays_by_rule(2033).front() ==
        BankHoliday{day("2033-01-03"), "New Year\u2019s Day (substitute day)"});
  // 2044: 25 December is a Sunday: Boxing Day keeps Monday 26, Christmas takes Tuesday 27.
  const auto christmas_2044 = iro::bank_holidays_by_rule(2044);
  CHECK(christmas_2044[6] == BankHoliday{day("2044-12-26"), "Boxing Day"});
  CHECK(christmas_2044[7] == BankHoliday{day("2044-12-27"), "Christmas Day (substitute day)"});
  // 2037: 25 December a Friday, 26 a Saturday: Boxing Day moves to Monday 28.
  const auto christmas_2037 = iro::bank_holidays_by_rule(2037);
  CHECK(christmas_2037[6] == BankHoliday{day("2037-12-25"), "Christmas Day"});
  CHECK(christmas_2037[7] == BankHoliday{day("2037-12-28"), "Boxing Day (substitute day)"});
  // 1 January 2034 is a Sunday: Monday 2 January.
  CHECK(iro::bank_holidays_by_rule(2034).front().date == day("2034-01-02"));

  for (int year = Date::kFirstYear; year <= Date::kLastYear; ++year) {
    const auto holidays = iro::bank_holidays_by_rule(year);
    CAPTURE(year);
    REQUIRE(holidays.size() == 8);
    for (const BankHoliday& holiday : holidays) {
      CHECK(holiday.date.year() == year);
      CHECK(holiday.date.iso_weekday() <= 5);  // a substitute never lands on a weekend
    }
    CHECK(std::ranges::is_sorted(holidays, {}, &BankHoliday::date));
  }
}

// The strongest check of the rule: it must reproduce, date for date and name
// for name, every year of the published data except the proclaimed changes.
TEST_CASE("the rule reproduces every year of the shipped data but the special ones") {
  const iro::HolidayCalendar& shipped = iro::HolidayCalendar::england_and_wales();
  REQUIRE(shipped.data_years().size() == 16);
  CHECK(shipped.data_years().front() == 2015);
  CHECK(shipped.data_years().back() == 2030);

  const std::set<int> special_years = {2020, 2022, 2023};
  for (int year : shipped.data_years()) {
    if (special_years.contains(year)) continue;
    CAPTURE(year);
    CHECK(shipped.bank_holidays_in(year) == iro::bank_holidays_by_rule(year));
  }

  // The special years differ from the rule in exactly the proclaimed days.
  // 2020: the early May holiday moved from Monday 4 to Friday 8 May (VE day).
  CHECK(missing_from(shipped.bank_holidays_in(2020), iro::bank_holidays_by_rule(2020)) ==
        std::vector<std::string>{"2020-05-08"});
  CHECK(missing_from(iro::bank_holidays_by_rule(2020), shipped.bank_holidays_in(2020)) ==
        std::vector<std::string>{"2020-05-04"});
  // 2022: the spring holiday moved from 30 May to 2 June, the Platinum Jubilee
  // on 3 June, the Queen's state funeral on 19 September.
  CHECK(missing_from(shipped.bank_holidays_in(2022), iro::bank_holidays_by_rule(2022)) ==
        std::vector<std::string>{"2022-06-02", "2022-06-03", "2022-09-19"});
  CHECK(missing_from(iro::bank_holidays_by_rule(2022), shipped.bank_holidays_in(2022)) ==
        std::vector<std::string>{"2022-05-30"});
  // 2023: the coronation, Monday 8 May, added.
  CHECK(missing_from(shipped.bank_holidays_in(2023), iro::bank_holidays_by_rule(2023)) ==
        std::vector<std::string>{"2023-05-08"});
  CHECK(missing_from(iro::bank_holidays_by_rule(2023), shipped.bank_holidays_in(2023)).empty());
}
