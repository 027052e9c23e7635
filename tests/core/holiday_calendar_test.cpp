#include "iro/holiday_calendar.hpp"

#include <doctest/doctest.h>

#include <string>

#include "iro/error.hpp"
#include "support/test_dates.hpp"

using iro::Date;
using iro::HolidayCalendar;

namespace {

using iro::test::day;

// The 2031 holidays by the rule, as a file would list them, plus `extra` rows.
std::string year_2031_csv(const std::string& extra = "") {
  return "date,name\n"
         "2031-01-01,New Year's Day\n"
         "2031-04-11,Good Friday\n"
         "2031-04-14,Easter Monday\n"
         "2031-05-05,Early May bank holiday\n"
         "2031-05-26,Spring bank holiday\n"
         "2031-08-25,Summer bank holiday\n"
         "2031-12-25,Christmas Day\n"
         "2031-12-26,Boxing Day\n" +
         extra;
}

}  // namespace

TEST_CASE("the built-in calendar holds the shipped data, special days included") {
  const HolidayCalendar& calendar = HolidayCalendar::england_and_wales();
  for (const char* special :
       {"2020-05-08", "2022-06-02", "2022-06-03", "2022-09-19", "2023-05-08"}) {
    CAPTURE(special);
    REQUIRE(calendar.bank_holiday_on(day(special)) != nullptr);
    CHECK_FALSE(calendar.is_working_day(day(special)));
  }
  CHECK(calendar.bank_holiday_on(day("2023-05-08"))->name ==
        "Bank holiday for the coronation of King Charles III");
  // The days the specials displaced are ordinary working days.
  CHECK(calendar.is_working_day(day("2020-05-04")));
  CHECK(calendar.is_working_day(day("2022-05-30")));
  CHECK(calendar.bank_holidays_in(2022).size() == 10);
}

TEST_CASE("years past the data come from the rule, so the calendar never runs out") {
  const HolidayCalendar& calendar = HolidayCalendar::england_and_wales();
  CHECK(calendar.bank_holidays_in(2031) == iro::bank_holidays_by_rule(2031));
  CHECK(calendar.bank_holidays_in(2199) == iro::bank_holidays_by_rule(2199));
  CHECK(calendar.bank_holidays_in(2014) == iro::bank_holidays_by_rule(2014));
  CHECK_FALSE(calendar.is_working_day(day("2031-12-25")));
}

TEST_CASE("working days are weekdays that are not bank holidays") {
  const HolidayCalendar& calendar = HolidayCalendar::england_and_wales();
  CHECK(calendar.is_working_day(day("2024-03-04")));        // Monday
  CHECK_FALSE(calendar.is_working_day(day("2024-03-02")));  // Saturday
  CHECK_FALSE(calendar.is_working_day(day("2024-03-03")));  // Sunday
  CHECK_FALSE(calendar.is_working_day(day("2024-03-29")));  // Good Friday
  CHECK(calendar.bank_holiday_on(day("2024-03-02")) == nullptr);
}

TEST_CASE("a file replaces the years it lists and leaves the others alone") {
  // A proclamation for 2031: one more day, the whole year listed.
  const HolidayCalendar updated = HolidayCalendar::england_and_wales().updated_with_csv(
      year_2031_csv("2031-06-06,\"A proclaimed day, with a comma\"\n"), "update.csv");
  CHECK(updated.data_years().size() == 17);
  CHECK(updated.data_years().back() == 2031);
  REQUIRE(updated.bank_holiday_on(day("2031-06-06")) != nullptr);
  CHECK(updated.bank_holiday_on(day("2031-06-06"))->name == "A proclaimed day, with a comma");
  CHECK(updated.bank_holidays_in(2031).size() == 9);
  CHECK(updated.bank_holidays_in(2022) ==
        HolidayCalendar::england_and_wales().bank_holidays_in(2022));
  CHECK(updated.bank_holidays_in(2032) == iro::bank_holidays_by_rule(2032));
  // The built-in calendar is unchanged.
  CHECK(HolidayCalendar::england_and_wales().is_working_day(day("2031-06-06")));

  // A file that moves a day: the year's old day goes, the new one comes.
  const HolidayCalendar moved = HolidayCalendar::by_rule().updated_with_csv(
      "date,name\n"
      "2020-01-01,New Year’s Day\n2020-04-10,Good Friday\n2020-04-13,Easter Monday\n"
      "2020-05-08,Early May bank holiday (VE day)\n2020-05-25,Spring bank holiday\n"
      "2020-08-31,Summer bank holiday\n2020-12-25,Christmas Day\n"
      "2020-12-28,Boxing Day (substitute day)\n",
      "2020.csv");
  CHECK(moved.is_working_day(day("2020-05-04")));
  CHECK_FALSE(moved.is_working_day(day("2020-05-08")));
}

TEST_CASE("a file may have a byte-order mark, CRLF lines, comments and blank lines") {
  std::string csv =
      "\xEF\xBB\xBF"
      "Date,Name\r\n# proclaimed 2030-11-01\r\n\r\n";
  for (const auto& holiday : iro::bank_holidays_by_rule(2035)) {
    csv += holiday.date.to_string() + "," + holiday.name + "\r\n";
  }
  const HolidayCalendar calendar = HolidayCalendar::from_csv(csv, "crlf.csv");
  CHECK(calendar.bank_holidays_in(2035) == iro::bank_holidays_by_rule(2035));
  REQUIRE(calendar.data_years().size() == 1);
  CHECK(calendar.data_years()[0] == 2035);
}

TEST_CASE("a bad holiday file is refused with the file's name and the line") {
  CHECK_THROWS_WITH_AS(HolidayCalendar::from_csv(year_2031_csv("2031-02-29,Leap\n"), "h.csv"),
                       "h.csv line 10: \"2031-02-29\" is not a date (expected YYYY-MM-DD,name)",
                       iro::Error);
  CHECK_THROWS_WITH_AS(HolidayCalendar::from_csv(year_2031_csv("2031-12-25,Again\n"), "h.csv"),
                       "h.csv line 10: 2031-12-25 is listed twice", iro::Error);
  CHECK_THROWS_WITH_AS(
      HolidayCalendar::from_csv("2031-12-25,Christmas Day\n", "h.csv"),
      "h.csv line 1: expected the header row \"date,name\" (GOV.UK's bank holiday CSV)",
      iro::Error);
  CHECK_THROWS_WITH_AS(HolidayCalendar::from_csv("date,name\n\n", "h.csv"),
                       doctest::Contains("h.csv: no bank holidays in the file"), iro::Error);
  CHECK_THROWS_WITH_AS(HolidayCalendar::from_csv("", "h.csv"),
                       doctest::Contains("h.csv: no bank holidays in the file"), iro::Error);
  // One day alone for a year would wipe out that year's other holidays.
  CHECK_THROWS_WITH_AS(HolidayCalendar::from_csv("date,name\n2031-06-06,Proclaimed\n", "h.csv"),
                       "h.csv: 2031 lists 1 bank holiday, but a year in the file replaces that "
                       "whole year and England and Wales have at least 8: list all of 2031's "
                       "bank holidays",
                       iro::Error);
  try {
    HolidayCalendar::from_csv("", "h.csv");
  } catch (const iro::Error& error) {
    CHECK(error.code() == iro::ErrorCode::invalid_input);
  }
}
