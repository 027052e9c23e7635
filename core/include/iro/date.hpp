// Calendar dates without a time of day or zone: dates of birth, review dates,
// due dates. Valid from 1900-01-01 to 2199-12-31, which covers every child in
// care and every deadline the system computes.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace iro {

class Date {
 public:
  static constexpr int kFirstYear = 1900;
  static constexpr int kLastYear = 2199;

  // Strict ISO 8601 calendar date "YYYY-MM-DD"; nullopt for anything else,
  // including impossible dates such as 2023-02-29 and years out of range.
  static std::optional<Date> parse(std::string_view iso);

  // Throws Error(invalid_input) naming the text when it is not a date.
  static Date parse_or_throw(std::string_view iso);

  // Throws Error(invalid_input) when the triple is not a date in range.
  static Date from_ymd(int year, unsigned month, unsigned day);

  // Days since 1970-01-01 (negative before). Throws when out of range.
  static Date from_days(std::int32_t days_since_epoch);

  // The UTC calendar date of a Unix time in milliseconds.
  static Date from_unix_ms(std::uint64_t unix_ms);

  std::int32_t days_since_epoch() const noexcept { return m_days; }
  int year() const noexcept;
  unsigned month() const noexcept;
  unsigned day() const noexcept;

  // ISO weekday: 1 = Monday ... 7 = Sunday.
  unsigned iso_weekday() const noexcept;

  Date plus_days(int days) const;

  // Calendar month arithmetic that clamps to the end of the month:
  // 2023-11-30 plus 3 months is 2024-02-29; 2023-08-31 plus 6 months is 2024-02-29.
  Date plus_months_clamped(int months) const;

  std::string to_string() const;

  auto operator<=>(const Date&) const = default;

 private:
  explicit Date(std::int32_t days) : m_days(days) {}
  std::chrono::year_month_day ymd() const noexcept;

  std::int32_t m_days = 0;
};

// Whole years of age on `on` for someone born on `birth`, as English law counts
// them: a child born on 29 February turns a year older on 1 March in a common year.
// Throws Error(invalid_input) when `on` is before `birth`.
int age_in_years_on(Date birth, Date on);

// The calendar date of a Unix time where this machine is (its time zone):
// "today" for a person at the machine, which in England differs from the UTC
// date for an hour after midnight in summer.
Date local_date_of(std::uint64_t unix_ms);

// A Unix time in milliseconds as ISO 8601 UTC: "2024-05-01T09:30:00.123Z".
std::string format_utc_ms(std::uint64_t unix_ms);

}  // namespace iro
