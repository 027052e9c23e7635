// Counting in working days: not Saturdays, Sundays or bank holidays in
// England and Wales (holiday_calendar.hpp). "Within 20 working days of X"
// means on or before add_working_days(X, 20): X itself is day 0, whatever
// day of the week it is, and the next working day is day 1.
#pragma once

#include "iro/date.hpp"
#include "iro/holiday_calendar.hpp"

namespace iro {

// The `count`-th working day after `start` (count > 0) or before it
// (count < 0); `start` itself is never counted. count == 0 returns `start`.
// Throws Error(invalid_input) when the result would leave Date's range.
Date add_working_days(Date start, int count, const HolidayCalendar& calendar);

// How many working days fall after `from`, up to and including `to`: so
// working_days_after(x, add_working_days(x, n)) == n. Throws
// Error(invalid_input) when `to` is before `from`.
int working_days_after(Date from, Date to, const HolidayCalendar& calendar);

}  // namespace iro
