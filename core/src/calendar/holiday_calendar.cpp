#include "iro/holiday_calendar.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "calendar/embedded_bank_holidays.hpp"
#include "calendar/holiday_csv.hpp"
#include "iro/error.hpp"

namespace iro {
namespace {

// Every year in England and Wales has at least the 8 ruled holidays
// (substitutes keep the count; moved days replace, never remove).
constexpr std::size_t kFewestHolidaysInAYear = 8;

}  // namespace

const HolidayCalendar& HolidayCalendar::england_and_wales() {
  // A magic static: built once, thread-safe, immutable afterwards.
  static const HolidayCalendar calendar = by_rule().updated_with_csv(
      detail::embedded_bank_holidays_csv(),
      "the built-in bank holidays (data/bank-holidays-england-wales.csv)");
  return calendar;
}

HolidayCalendar HolidayCalendar::by_rule() {
  HolidayCalendar calendar;
  calendar.m_holidays.reserve(std::size_t(Date::kLastYear - Date::kFirstYear + 1) * 8);
  for (int year = Date::kFirstYear; year <= Date::kLastYear; ++year) {
    for (BankHoliday& holiday : bank_holidays_by_rule(year)) {
      calendar.m_holidays.push_back(std::move(holiday));
    }
  }
  return calendar;
}

HolidayCalendar HolidayCalendar::from_csv(std::string_view csv, std::string_view source_name) {
  return by_rule().updated_with_csv(csv, source_name);
}

HolidayCalendar HolidayCalendar::updated_with_csv(std::string_view csv,
                                                  std::string_view source_name) const {
  std::map<int, std::vector<BankHoliday>> listed;  // by year
  for (BankHoliday& holiday : detail::read_holiday_csv(csv, source_name)) {
    listed[holiday.date.year()].push_back(std::move(holiday));
  }
  for (const auto& [year, days] : listed) {
    if (days.size() < kFewestHolidaysInAYear) {
      throw Error(ErrorCode::invalid_input,
                  std::string(source_name) + ": " + std::to_string(year) + " lists " +
                      std::to_string(days.size()) +
                      (days.size() == 1 ? " bank holiday" : " bank holidays") +
                      ", but a year in the file replaces that whole year and "
                      "England and Wales have at least 8: list all of " +
                      std::to_string(year) + "'s bank holidays");
    }
  }

  HolidayCalendar updated;
  updated.m_holidays.reserve(m_holidays.size());
  for (const BankHoliday& holiday : m_holidays) {
    if (!listed.contains(holiday.date.year())) updated.m_holidays.push_back(holiday);
  }
  for (auto& [year, days] : listed) {
    for (BankHoliday& holiday : days) updated.m_holidays.push_back(std::move(holiday));
  }
  std::ranges::sort(updated.m_holidays, {}, &BankHoliday::date);

  updated.m_data_years = m_data_years;
  for (const auto& entry : listed) updated.m_data_years.push_back(entry.first);
  std::ranges::sort(updated.m_data_years);
  // std::unique, not std::ranges::unique: clang 14 (the fuzz build) cannot
  // compile the subrange libstdc++ 12 returns.
  updated.m_data_years.erase(std::unique(updated.m_data_years.begin(), updated.m_data_years.end()),
                             updated.m_data_years.end());
  return updated;
}

const BankHoliday* HolidayCalendar::bank_holiday_on(Date date) const {
  const auto found = std::ranges::lower_bound(m_holidays, date, {}, &BankHoliday::date);
  return found != m_holidays.end() && found->date == date ? &*found : nullptr;
}

bool HolidayCalendar::is_working_day(Date date) const {
  constexpr unsigned kSaturday = 6;
  return date.iso_weekday() < kSaturday && bank_holiday_on(date) == nullptr;
}

std::vector<BankHoliday> HolidayCalendar::bank_holidays_in(int year) const {
  const auto first =
      std::ranges::lower_bound(m_holidays, Date::from_ymd(year, 1, 1), {}, &BankHoliday::date);
  const auto last =
      std::ranges::upper_bound(m_holidays, Date::from_ymd(year, 12, 31), {}, &BankHoliday::date);
  return {first, last};
}

}  // namespace iro
