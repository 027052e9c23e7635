#include "calendar/meeting_series.hpp"

#include <algorithm>
#include <string>

#include "iro/error.hpp"
#include "iro/model.hpp"

namespace iro::detail {
namespace {

// The review record's list of reasons (Sunderland's), so the engine and the
// record accept exactly the same codes.
std::span<const std::string_view> out_of_timescale_reasons() {
  return schema_for(Kind::review).find("out_of_timescale_reason")->choices;
}

void check_reason(std::string_view reason) {
  const auto reasons = out_of_timescale_reasons();
  if (std::ranges::find(reasons, reason) != reasons.end()) return;
  std::string known;
  for (std::string_view code : reasons) {
    known += known.empty() ? "" : ", ";
    known += code;
  }
  throw Error(ErrorCode::invalid_input, "unknown out-of-timescale reason \"" +
                                            std::string(reason.substr(0, 40)) +
                                            "\" (known: " + known + ")");
}

std::string name_of(const SeriesWords& words, int number, Date date) {
  return std::string(words.meeting) + " " + std::to_string(number) + " on " + date.to_string();
}

MeetingDue due_of(int number, Date counted_from, const MeetingSchedule& statutory,
                  const std::optional<MeetingSchedule>& local, const HolidayCalendar& calendar) {
  const Interval& interval = statutory.before_meeting(number);
  std::optional<Interval> local_interval;
  std::optional<Date> local_due;
  if (local) {
    local_interval = local->before_meeting(number);
    local_due = local_interval->after(counted_from, calendar);
  }
  return {number,         counted_from, interval, interval.after(counted_from, calendar),
          local_interval, local_due};
}

}  // namespace

MeetingSeries assess_meeting_series(Date start, std::span<const HeldMeeting> held,
                                    const MeetingSchedule& statutory,
                                    const std::optional<MeetingSchedule>& local,
                                    const HolidayCalendar& calendar, const SeriesWords& words) {
  std::vector<MeetingTimeliness> assessed;
  Date counted_from = start;
  for (const HeldMeeting& meeting : held) {
    const int number = int(assessed.size()) + 1;
    if (meeting.date < start) {
      throw Error(ErrorCode::invalid_input, name_of(words, number, meeting.date) + " is before " +
                                                std::string(words.start_event) + " on " +
                                                start.to_string());
    }
    if (number > 1 && meeting.date <= counted_from) {
      throw Error(ErrorCode::invalid_input,
                  name_of(words, number, meeting.date) + " is not after " +
                      name_of(words, number - 1, counted_from) + ": give each " +
                      std::string(words.meeting) + " once, in the order they were held");
    }

    const MeetingDue due = due_of(number, counted_from, statutory, local, calendar);
    const bool in_timescale = meeting.date <= due.due;
    std::optional<bool> in_local_timescale;
    if (due.local_due) in_local_timescale = meeting.date <= *due.local_due;
    if (!meeting.out_of_timescale_reason.empty()) {
      check_reason(meeting.out_of_timescale_reason);
      if (in_timescale && in_local_timescale.value_or(true)) {
        throw Error(ErrorCode::invalid_input,
                    name_of(words, number, meeting.date) + " was in timescale (due " +
                        due.due.to_string() + "): an out-of-timescale reason (" +
                        meeting.out_of_timescale_reason + ") does not apply");
      }
    }
    const int days_late =
        in_timescale ? 0 : meeting.date.days_since_epoch() - due.due.days_since_epoch();
    assessed.push_back({due, meeting.date, in_timescale, days_late, in_local_timescale,
                        meeting.out_of_timescale_reason});
    // The next meeting counts from this one's actual date, early or late.
    counted_from = meeting.date;
  }
  const int next_number = int(assessed.size()) + 1;
  return {std::move(assessed), due_of(next_number, counted_from, statutory, local, calendar)};
}

}  // namespace iro::detail
