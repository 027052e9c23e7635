#include "iro/bank_holiday_rules.hpp"

#include <algorithm>

namespace iro {
namespace {

constexpr unsigned kMonday = 1;
constexpr unsigned kSaturday = 6;
constexpr unsigned kSunday = 7;

Date first_monday_of(int year, unsigned month) {
  const Date first = Date::from_ymd(year, month, 1);
  return first.plus_days(int((7 + kMonday - first.iso_weekday()) % 7));
}

Date last_monday_of(int year, unsigned month) {
  const Date last = Date::from_ymd(year, month, 1).plus_months_clamped(1).plus_days(-1);
  return last.plus_days(-int((last.iso_weekday() + 7 - kMonday) % 7));
}

// "New Year’s Day": GOV.UK's names use the typographic apostrophe; keeping
// them lets the rule be checked name for name against the published data.
void add_new_year(int year, std::vector<BankHoliday>& days) {
  const Date new_year = Date::from_ymd(year, 1, 1);
  switch (new_year.iso_weekday()) {
    case kSaturday:
      days.push_back({new_year.plus_days(2), "New Year\u2019s Day (substitute day)"});
      break;
    case kSunday:
      days.push_back({new_year.plus_days(1), "New Year\u2019s Day (substitute day)"});
      break;
    default:
      days.push_back({new_year, "New Year\u2019s Day"});
  }
}

void add_christmas(int year, std::vector<BankHoliday>& days) {
  const Date christmas = Date::from_ymd(year, 12, 25);
  const Date boxing_day = christmas.plus_days(1);
  switch (christmas.iso_weekday()) {
    case kSaturday:  // both days move to the Monday and Tuesday after
      days.push_back({christmas.plus_days(2), "Christmas Day (substitute day)"});
      days.push_back({christmas.plus_days(3), "Boxing Day (substitute day)"});
      break;
    case kSunday:  // Boxing Day keeps its Monday; Christmas takes the Tuesday
      days.push_back({boxing_day, "Boxing Day"});
      days.push_back({christmas.plus_days(2), "Christmas Day (substitute day)"});
      break;
    default:
      days.push_back({christmas, "Christmas Day"});
      if (boxing_day.iso_weekday() == kSaturday) {
        days.push_back({boxing_day.plus_days(2), "Boxing Day (substitute day)"});
      } else {
        days.push_back({boxing_day, "Boxing Day"});
      }
  }
}

}  // namespace

Date easter_sunday(int year) {
  // Meeus/Jones/Butcher: exact for every Gregorian year.
  const int golden = year % 19;
  const int century = year / 100;
  const int of_century = year % 100;
  const int h =
      (19 * golden + century - century / 4 - (century - (century + 8) / 25 + 1) / 3 + 15) % 30;
  const int l = (32 + 2 * (century % 4) + 2 * (of_century / 4) - h - of_century % 4) % 7;
  const int m = (golden + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = (h + l - 7 * m + 114) % 31 + 1;
  return Date::from_ymd(year, unsigned(month), unsigned(day));
}

std::vector<BankHoliday> bank_holidays_by_rule(int year) {
  std::vector<BankHoliday> days;
  days.reserve(8);
  add_new_year(year, days);
  const Date easter = easter_sunday(year);
  days.push_back({easter.plus_days(-2), "Good Friday"});
  days.push_back({easter.plus_days(1), "Easter Monday"});
  days.push_back({first_monday_of(year, 5), "Early May bank holiday"});
  days.push_back({last_monday_of(year, 5), "Spring bank holiday"});
  days.push_back({last_monday_of(year, 8), "Summer bank holiday"});
  add_christmas(year, days);
  std::ranges::sort(days, {}, &BankHoliday::date);
  return days;
}

}  // namespace iro
