#include "iro/working_days.hpp"

#include "iro/error.hpp"

namespace iro {

Date add_working_days(Date start, int count, const HolidayCalendar& calendar) {
  const int step = count < 0 ? -1 : 1;
  Date day = start;
  for (long long remaining = count < 0 ? -static_cast<long long>(count) : count; remaining > 0;) {
    day = day.plus_days(step);
    if (calendar.is_working_day(day)) --remaining;
  }
  return day;
}

int working_days_after(Date from, Date to, const HolidayCalendar& calendar) {
  if (to < from) {
    throw Error(ErrorCode::invalid_input, to.to_string() + " is before " + from.to_string());
  }
  int count = 0;
  for (Date day = from; day < to;) {
    day = day.plus_days(1);
    if (calendar.is_working_day(day)) ++count;
  }
  return count;
}

}  // namespace iro
