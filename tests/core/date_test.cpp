#include "iro/date.hpp"

#include <doctest/doctest.h>

#include "iro/error.hpp"

using iro::Date;

TEST_CASE("dates parse only as strict YYYY-MM-DD calendar dates") {
  CHECK(Date::parse("2024-02-29")->to_string() == "2024-02-29");
  CHECK(Date::parse("1900-01-01").has_value());
  CHECK(Date::parse("2199-12-31").has_value());

  for (const char* bad : {"2023-02-29", "2024-02-30", "2024-13-01", "2024-00-10", "2024-04-31",
                          "2024-2-01", "24-02-01", "2024/02/01", "2024-02-01T10:00", " 2024-02-01",
                          "", "abcd-ef-gh", "1899-12-31", "2200-01-01", "2024-02-0x"}) {
    CAPTURE(bad);
    CHECK_FALSE(Date::parse(bad).has_value());
  }
}

TEST_CASE("a date that is not a date is refused with the text in the message") {
  try {
    Date::parse_or_throw("2024-02-30");
    FAIL("expected an error");
  } catch (const iro::Error& error) {
    CHECK(error.code() == iro::ErrorCode::invalid_input);
    CHECK(std::string(error.what()) == "\"2024-02-30\" is not a date (expected YYYY-MM-DD)");
  }
  CHECK_THROWS_AS(Date::from_ymd(2023, 2, 29), iro::Error);
}

TEST_CASE("month arithmetic clamps to the end of the month") {
  CHECK(Date::parse("2023-11-30")->plus_months_clamped(3).to_string() == "2024-02-29");
  CHECK(Date::parse("2022-11-30")->plus_months_clamped(3).to_string() == "2023-02-28");
  CHECK(Date::parse("2023-08-31")->plus_months_clamped(6).to_string() == "2024-02-29");
  CHECK(Date::parse("2024-01-31")->plus_months_clamped(1).to_string() == "2024-02-29");
  CHECK(Date::parse("2024-03-15")->plus_months_clamped(-3).to_string() == "2023-12-15");
  CHECK(Date::parse("2024-12-31")->plus_months_clamped(6).to_string() == "2025-06-30");
}

TEST_CASE("day arithmetic and weekdays") {
  const Date date = *Date::parse("2024-12-31");
  CHECK(date.plus_days(1).to_string() == "2025-01-01");
  CHECK(date.plus_days(-366).to_string() == "2023-12-31");
  CHECK(date.iso_weekday() == 2);  // a Tuesday
  CHECK(Date::parse("1970-01-01")->days_since_epoch() == 0);
  CHECK(Date::from_unix_ms(1'714'550'400'000).to_string() == "2024-05-01");
}

TEST_CASE("age in years counts birthdays, with 29 February turning over on 1 March") {
  const Date birth = *Date::parse("2020-05-01");
  CHECK(iro::age_in_years_on(birth, *Date::parse("2024-04-30")) == 3);
  CHECK(iro::age_in_years_on(birth, *Date::parse("2024-05-01")) == 4);

  const Date leap_birth = *Date::parse("2020-02-29");
  CHECK(iro::age_in_years_on(leap_birth, *Date::parse("2024-02-28")) == 3);
  CHECK(iro::age_in_years_on(leap_birth, *Date::parse("2024-02-29")) == 4);
  CHECK(iro::age_in_years_on(leap_birth, *Date::parse("2025-02-28")) == 4);
  CHECK(iro::age_in_years_on(leap_birth, *Date::parse("2023-02-28")) == 2);
  CHECK(iro::age_in_years_on(leap_birth, *Date::parse("2023-03-01")) == 3);

  CHECK_THROWS_AS(iro::age_in_years_on(birth, *Date::parse("2019-01-01")), iro::Error);
}

TEST_CASE("ISO 8601 times say when, to the millisecond, in UTC") {
  CHECK(iro::format_utc_ms(0) == "1970-01-01T00:00:00.000Z");
  CHECK(iro::format_utc_ms(1'714'550'400'123) == "2024-05-01T08:00:00.123Z");
}
