// The one engine under every series of meetings (reviews, child protection
// conferences): due dates counted from actual dates, and timeliness.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "iro/timescales.hpp"

namespace iro::detail {

// How messages name the meetings and the event that starts the series:
// {"review", "the child became looked after"}.
struct SeriesWords {
  std::string_view meeting;
  std::string_view start_event;
};

struct MeetingSeries {
  std::vector<MeetingTimeliness> held;
  MeetingDue next;
};

// Throws Error(invalid_input) for a meeting before `start`, meetings not in
// strictly increasing order, an unknown out-of-timescale reason, or a reason
// given for a meeting held within both its statutory and local timescales.
MeetingSeries assess_meeting_series(Date start, std::span<const HeldMeeting> held,
                                    const MeetingSchedule& statutory,
                                    const std::optional<MeetingSchedule>& local,
                                    const HolidayCalendar& calendar, const SeriesWords& words);

}  // namespace iro::detail
