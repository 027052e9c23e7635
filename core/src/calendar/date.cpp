#include "iro/date.hpp"

#include <cstdio>
#include <ctime>

#include "iro/error.hpp"

namespace iro {
namespace {

// Qualified: Date's own year(), month() and day() would hide the chrono types.
namespace chrono = std::chrono;
using chrono::days;
using chrono::sys_days;
using chrono::year_month_day;

bool in_range(const year_month_day& ymd) {
  return ymd.ok() && int(ymd.year()) >= Date::kFirstYear && int(ymd.year()) <= Date::kLastYear;
}

std::int32_t days_of(const year_month_day& ymd) {
  return static_cast<std::int32_t>(sys_days(ymd).time_since_epoch().count());
}

// Parses exactly `count` ASCII digits.
bool read_digits(std::string_view text, std::size_t at, std::size_t count, int& out) {
  out = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<Date> Date::parse(std::string_view iso) {
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  if (!read_digits(iso, 0, 4, y) || !read_digits(iso, 5, 2, m) || !read_digits(iso, 8, 2, d)) {
    return std::nullopt;
  }
  const year_month_day ymd{chrono::year{y}, chrono::month{unsigned(m)}, chrono::day{unsigned(d)}};
  if (!in_range(ymd)) return std::nullopt;
  return Date(days_of(ymd));
}

Date Date::parse_or_throw(std::string_view iso) {
  if (auto date = parse(iso)) return *date;
  throw Error(ErrorCode::invalid_input,
              "\"" + std::string(iso.substr(0, 40)) + "\" is not a date (expected YYYY-MM-DD)");
}

Date Date::from_ymd(int y, unsigned m, unsigned d) {
  const year_month_day ymd{chrono::year{y}, chrono::month{m}, chrono::day{d}};
  if (!in_range(ymd)) {
    char text[48];
    std::snprintf(text, sizeof text, "%d-%u-%u is not a date between %d and %d", y, m, d,
                  kFirstYear, kLastYear);
    throw Error(ErrorCode::invalid_input, text);
  }
  return Date(days_of(ymd));
}

Date Date::from_days(std::int32_t days_since_epoch) {
  const year_month_day ymd{sys_days{days{days_since_epoch}}};
  if (!in_range(ymd)) {
    throw Error(ErrorCode::invalid_input, "day number " + std::to_string(days_since_epoch) +
                                              " is outside the supported years");
  }
  return Date(days_since_epoch);
}

Date Date::from_unix_ms(std::uint64_t unix_ms) {
  return from_days(static_cast<std::int32_t>(unix_ms / 86'400'000));
}

year_month_day Date::ymd() const noexcept {
  return year_month_day{sys_days{days{m_days}}};
}

int Date::year() const noexcept {
  return int(ymd().year());
}
unsigned Date::month() const noexcept {
  return unsigned(ymd().month());
}
unsigned Date::day() const noexcept {
  return unsigned(ymd().day());
}

unsigned Date::iso_weekday() const noexcept {
  return chrono::weekday{sys_days{days{m_days}}}.iso_encoding();
}

Date Date::plus_days(int count) const {
  return from_days(m_days + count);
}

Date Date::plus_months_clamped(int count) const {
  const year_month_day start = ymd();
  const auto target_month =
      std::chrono::year_month{start.year(), start.month()} + std::chrono::months{count};
  const auto last_day =
      std::chrono::year_month_day_last{target_month.year(),
                                       std::chrono::month_day_last{target_month.month()}}
          .day();
  const auto clamped_day = start.day() > last_day ? last_day : start.day();
  return from_ymd(int(target_month.year()), unsigned(target_month.month()), unsigned(clamped_day));
}

std::string Date::to_string() const {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", year(), month(), day());
  return text;
}

int age_in_years_on(Date birth, Date on) {
  if (on < birth) {
    throw Error(ErrorCode::invalid_input,
                on.to_string() + " is before the date of birth " + birth.to_string());
  }
  int age = on.year() - birth.year();
  const bool birthday_not_reached =
      on.month() < birth.month() || (on.month() == birth.month() && on.day() < birth.day());
  if (birthday_not_reached) --age;
  return age;
}

Date local_date_of(std::uint64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  return Date::from_ymd(local.tm_year + 1900, unsigned(local.tm_mon + 1), unsigned(local.tm_mday));
}

std::string format_utc_ms(std::uint64_t unix_ms) {
  const std::uint64_t ms_of_day = unix_ms % 86'400'000;
  char time_of_day[32];
  std::snprintf(
      time_of_day, sizeof time_of_day, "T%02u:%02u:%02u.%03uZ",
      static_cast<unsigned>(ms_of_day / 3'600'000), static_cast<unsigned>(ms_of_day / 60'000 % 60),
      static_cast<unsigned>(ms_of_day / 1000 % 60), static_cast<unsigned>(ms_of_day % 1000));
  return Date::from_unix_ms(unix_ms).to_string() + time_of_day;
}

}  // namespace iro
