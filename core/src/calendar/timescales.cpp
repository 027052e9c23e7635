#include "iro/timescales.hpp"

#include <algorithm>
#include <string>

#include "calendar/meeting_series.hpp"
#include "iro/error.hpp"
#include "iro/working_days.hpp"

namespace iro {
namespace {

ReviewType review_type_of(int number) {
  return number == 1   ? ReviewType::first
         : number == 2 ? ReviewType::second
                       : ReviewType::subsequent;
}

// The working day on or before `date`: a tracking date that falls on a
// weekend or bank holiday is brought forward, never pushed later.
Date working_day_on_or_before(Date date, const HolidayCalendar& calendar) {
  while (!calendar.is_working_day(date)) date = date.plus_days(-1);
  return date;
}

Date midpoint(Date from, Date to) {
  return from.plus_days((to.days_since_epoch() - from.days_since_epoch()) / 2);
}

NextReview next_review_of(const MeetingDue& due, bool after_a_review, std::optional<Date> scheduled,
                          const HolidayCalendar& calendar) {
  std::optional<bool> scheduled_in_timescale;
  if (scheduled) {
    const std::string booked = "the next review scheduled for " + scheduled->to_string();
    if (after_a_review && *scheduled <= due.counted_from) {
      throw Error(ErrorCode::invalid_input,
                  booked + " is not after the last review on " + due.counted_from.to_string());
    }
    if (*scheduled < due.counted_from) {
      throw Error(
          ErrorCode::invalid_input,
          booked + " is before the child became looked after on " + due.counted_from.to_string());
    }
    scheduled_in_timescale = *scheduled <= due.due;
  }
  const Date prepare_for =
      scheduled ? *scheduled : std::min(due.due, due.local_due.value_or(due.due));
  std::optional<Date> midway_tracking;
  if (after_a_review) {
    midway_tracking = working_day_on_or_before(midpoint(due.counted_from, due.due), calendar);
  }
  return {due,
          review_type_of(due.number),
          scheduled,
          scheduled_in_timescale,
          prepare_for,
          add_working_days(prepare_for, -kPreReviewVisitWorkingDays, calendar),
          add_working_days(prepare_for, -kConsultationOutWorkingDays, calendar),
          midway_tracking};
}

}  // namespace

std::string_view to_string(ReviewType type) noexcept {
  switch (type) {
    case ReviewType::first:
      return "first";
    case ReviewType::second:
      return "second";
    case ReviewType::subsequent:
      return "subsequent";
  }
  return "subsequent";
}

ReviewTimescales review_timescales(Date looked_after, std::span<const HeldMeeting> reviews,
                                   const TimescalePolicy& policy, const HolidayCalendar& calendar,
                                   std::optional<Date> next_scheduled) {
  detail::MeetingSeries series =
      detail::assess_meeting_series(looked_after, reviews, kStatutoryReviews, policy.local_reviews,
                                    calendar, {"review", "the child became looked after"});
  std::vector<HeldReview> held;
  for (const MeetingTimeliness& review : series.held) {
    held.push_back({review, review_type_of(review.due.number),
                    add_working_days(review.date, kRecommendationsWorkingDays, calendar),
                    add_working_days(review.date, kRecordWorkingDays, calendar)});
  }
  const MeetingDue first_review = series.held.empty() ? series.next : series.held.front().due;
  return {looked_after,
          &policy,
          add_working_days(looked_after, kIroAllocationWorkingDays, calendar),
          first_review,
          std::move(held),
          next_review_of(series.next, !series.held.empty(), next_scheduled, calendar)};
}

ChildProtectionTimescales child_protection_timescales(Date strategy_discussion,
                                                      std::span<const HeldMeeting> conferences,
                                                      const HolidayCalendar& calendar) {
  detail::MeetingSeries series = detail::assess_meeting_series(
      strategy_discussion, conferences, kChildProtectionConferences, std::nullopt, calendar,
      {"conference", "the strategy discussion"});
  const Date initial_due = series.held.empty() ? series.next.due : series.held.front().due.due;
  return {strategy_discussion, initial_due, std::move(series.held), series.next};
}

FormalDisputeTimescales formal_dispute_timescales(Date raised, const HolidayCalendar& calendar) {
  return {raised, add_working_days(raised, kDisputeMeetingWorkingDays, calendar),
          add_working_days(raised, kDisputeResponseWorkingDays, calendar)};
}

}  // namespace iro
