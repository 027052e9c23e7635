#include "iro/timescale_policy.hpp"

#include <array>

#include "iro/error.hpp"
#include "iro/working_days.hpp"

namespace iro {
namespace {

using enum TimeUnit;

// Local targets as each council's IRO annual report states them (their
// published IRO annual reports). Where a report states no
// target for a meeting, the statutory interval stands in for it, so every
// review has a local date to show.
constexpr std::array<TimescalePolicy, 4> kPolicies = {{
    {"statutory", "Care Planning, Placement and Case Review (England) Regulations 2010, reg. 33",
     std::nullopt},
    // Herefordshire IRO annual report 2020/21, 1.1.4: "a first Child Looked
    // After Review within twenty eight days and a second review within twelve
    // weeks of the first review ... no less than every six months".
    {"herefordshire", "Herefordshire IRO annual report 2020/21, 1.1.4",
     MeetingSchedule{{28, days}, {12, weeks}, {6, months}}},
    // Leicestershire IRO annual report 2022/23: "All children that enter care
    // must have a ROA within 28 days and a further review at three months";
    // midway tracking "between their 6 monthly reviews".
    {"leicestershire", "Leicestershire IRO annual report 2022/23 (Review of Arrangements)",
     MeetingSchedule{{28, days}, {3, months}, {6, months}}},
    // Sunderland IRO annual report 2016/17: "Within 20 working days of a
    // child/young person becoming looked after, a LAR is required. A second
    // review has to be convened within 3 months (91 days) of the first review
    // ... then every 6 months (183 days) after this." The first is statutory.
    {"sunderland", "Sunderland IRO annual report 2016/17 (Looked After Reviews)",
     MeetingSchedule{{20, working_days}, {91, days}, {183, days}}},
}};

}  // namespace

Date Interval::after(Date start, const HolidayCalendar& calendar) const {
  switch (unit) {
    case working_days:
      return add_working_days(start, count, calendar);
    case days:
      return start.plus_days(count);
    case weeks:
      return start.plus_days(7 * count);
    case months:
      return start.plus_months_clamped(count);
  }
  throw Error(ErrorCode::internal, "unknown time unit");
}

std::string Interval::describe() const {
  const char* unit_name = "";
  switch (unit) {
    case working_days:
      unit_name = count == 1 ? " working day" : " working days";
      break;
    case days:
      unit_name = count == 1 ? " day" : " days";
      break;
    case weeks:
      unit_name = count == 1 ? " week" : " weeks";
      break;
    case months:
      unit_name = count == 1 ? " month" : " months";
      break;
  }
  return std::to_string(count) + unit_name;
}

const Interval& MeetingSchedule::before_meeting(int number) const {
  if (number < 1) throw Error(ErrorCode::internal, "meetings are numbered from 1");
  return number == 1 ? first : number == 2 ? second : subsequent;
}

std::span<const TimescalePolicy> timescale_policies() noexcept {
  return kPolicies;
}

const TimescalePolicy& timescale_policy(std::string_view name) {
  std::string known;
  for (const TimescalePolicy& policy : kPolicies) {
    if (policy.name == name) return policy;
    known += known.empty() ? "" : ", ";
    known += policy.name;
  }
  throw Error(ErrorCode::invalid_input, "unknown timescale policy \"" +
                                            std::string(name.substr(0, 40)) +
                                            "\" (known: " + known + ")");
}

}  // namespace iro
