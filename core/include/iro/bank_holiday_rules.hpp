// England and Wales bank holidays computed by rule, for the years the shipped
// holiday data does not cover, so due dates never silently run out of
// calendar. One-off holidays (a coronation, a state funeral) and moved ones
// (VE day 2020, the 2022 jubilee) are proclaimed, not ruled: only the data
// has them (see holiday_calendar.hpp).
#pragma once

#include <string>
#include <vector>

#include "iro/date.hpp"

namespace iro {

struct BankHoliday {
  Date date;
  std::string name;  // as GOV.UK names it, e.g. "Boxing Day (substitute day)"

  bool operator==(const BankHoliday&) const = default;
};

// Easter Sunday in the Gregorian calendar (the anonymous Gregorian computus).
// Throws Error(invalid_input) for a year outside Date's range.
Date easter_sunday(int year);

// The bank holidays of `year` by the standing rules, sorted by date:
// New Year's Day (the next Monday when it falls at a weekend), Good Friday,
// Easter Monday, the first Monday of May, the last Monday of May, the last
// Monday of August, Christmas Day and Boxing Day with substitute days
// (25 December a Saturday: 27 and 28; a Sunday: 26 and 27; 26 December a
// Saturday: 28). Always 8 days. The rules are today's: years before 1978
// (no early May holiday) come out as if they had applied then.
// Throws Error(invalid_input) for a year outside Date's range.
std::vector<BankHoliday> bank_holidays_by_rule(int year);

}  // namespace iro
