// Which days are bank holidays in England and Wales, and so which days are
// working days (docs/ARCHITECTURE.md, "Timescales").
//
// The calendar is data first, rule second. Each year the holiday data lists
// comes from the data, whole; every other year (before or after it) comes from
// bank_holidays_by_rule(). The data shipped with iro-sync is
// data/bank-holidays-england-wales.csv, compiled into the library, so a
// device works offline with no file; an administrator can replace or extend
// it at run time with a newer file (a proclamation adds or moves a day).
//
// A HolidayCalendar is immutable once made: share one between threads freely.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "iro/bank_holiday_rules.hpp"
#include "iro/date.hpp"

namespace iro {

class HolidayCalendar {
 public:
  // The calendar to use unless an administrator gives another: the shipped
  // data for the years it lists, the rule for the rest. Built on first use.
  static const HolidayCalendar& england_and_wales();

  // Every year by rule alone: no proclaimed or moved days at all.
  static HolidayCalendar by_rule();

  // The rule, with the years `csv` lists taken from it (see updated_with_csv).
  static HolidayCalendar from_csv(std::string_view csv, std::string_view source_name);

  // A copy of this calendar in which each year `csv` lists is replaced by the
  // file's days for that year; other years are unchanged. So a newer GOV.UK
  // file updates the years it covers, and a file for one year (a proclamation)
  // must list all of that year's bank holidays, not only the new one.
  //
  // Format (docs/ARCHITECTURE.md, "Timescales"): UTF-8 CSV, GOV.UK's columns,
  // a header row whose first column is `date`, then one `YYYY-MM-DD,name` row
  // per holiday; blank lines and lines starting with '#' are skipped; the name
  // may be quoted. Throws Error(invalid_input) with `source_name` and the line
  // number for an impossible date, a date listed twice, a year listing fewer
  // than 8 days (every year in England and Wales has at least 8, so fewer
  // means an incomplete year that would silently lose holidays), or no rows.
  HolidayCalendar updated_with_csv(std::string_view csv, std::string_view source_name) const;

  // The bank holiday on `date`, or nullptr. The pointer lives as long as this calendar.
  const BankHoliday* bank_holiday_on(Date date) const;

  // Not a Saturday, a Sunday or a bank holiday.
  bool is_working_day(Date date) const;

  // The bank holidays of `year`, sorted by date.
  std::vector<BankHoliday> bank_holidays_in(int year) const;

  // The years whose holidays come from data rather than the rule, ascending.
  std::span<const int> data_years() const noexcept { return m_data_years; }

 private:
  HolidayCalendar() = default;

  std::vector<BankHoliday> m_holidays;  // every year Date supports, sorted by date
  std::vector<int> m_data_years;
};

}  // namespace iro
