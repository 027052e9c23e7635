// Due dates an IRO works to, computed offline on the device: looked-after
// reviews and the dates around them, child protection conferences, formal
// disputes (docs/ARCHITECTURE.md "Timescales").
//
// Every function is pure: the same dates, policy and calendar give the same
// answer on the tablet, the desktop and the server.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "iro/date.hpp"
#include "iro/holiday_calendar.hpp"
#include "iro/timescale_policy.hpp"

namespace iro {

// A meeting as it was held: a review, or a child protection conference.
struct HeldMeeting {
  Date date;
  // Why it was late: one of the review's out_of_timescale_reason codes
  // (late_notification, calculation_error, missing_report,
  // significant_person_absent, social_worker_absent, held_in_parts, other),
  // or empty when none was recorded.
  std::string out_of_timescale_reason;
};

// When one meeting of a series is due.
struct MeetingDue {
  int number = 0;     // 1 = the first
  Date counted_from;  // the starting event, or the previous meeting's actual date
  Interval interval;  // the statutory interval from counted_from
  Date due;           // the statutory due date: always computed
  std::optional<Interval> local_interval;  // the council's target, when its policy has one
  std::optional<Date> local_due;
};

// How a held meeting measured up against its due dates.
struct MeetingTimeliness {
  MeetingDue due;
  Date date;
  bool in_timescale = false;  // held on or before the statutory due date
  int days_late = 0;          // calendar days after the statutory due date; 0 when in timescale
  std::optional<bool> in_local_timescale;  // against the local target, when there is one
  std::string out_of_timescale_reason;     // as given; empty when none
};

// The review_type codes of a review record.
enum class ReviewType { first, second, subsequent };
std::string_view to_string(ReviewType type) noexcept;

struct HeldReview {
  MeetingTimeliness timeliness;
  ReviewType type = ReviewType::first;
  Date recommendations_due;  // kRecommendationsWorkingDays after the review
  Date record_due;           // the record or letter distributed, kRecordWorkingDays after
};

struct NextReview {
  MeetingDue due;
  ReviewType type = ReviewType::first;
  std::optional<Date> scheduled;  // when it is booked, if the caller said
  std::optional<bool> scheduled_in_timescale;
  // The date the preparation counts back from: the scheduled date, otherwise
  // the earlier of the statutory and local due dates (the statutory date must
  // be met; a council plans for its own target when that is sooner).
  Date prepare_for;
  Date pre_review_visit_by;  // kPreReviewVisitWorkingDays before prepare_for
  Date consultation_out_by;  // kConsultationOutWorkingDays before prepare_for
  // Half-way between the last review and the statutory due date (rounded
  // down; a weekend or bank holiday moves it to the working day before).
  // None before the first review: midway tracking is between reviews.
  std::optional<Date> midway_tracking;

  bool overdue_on(Date today) const { return today > due.due; }
};

struct ReviewTimescales {
  Date looked_after;
  const TimescalePolicy* policy = nullptr;  // never null; static storage
  Date iro_allocation_due;                  // kIroAllocationWorkingDays after looked_after
  MeetingDue first_review;                  // the first review's due dates
  std::vector<HeldReview> reviews;          // as given, in order
  NextReview next;
};

// The review timescales of a child looked after since `looked_after` who has
// had `reviews` (in the order held). Each review is due counted from the
// previous one's actual date, so one brought forward restarts the clock and one
// held late is out of timescale, with its reason if given. `next_scheduled` is
// the booked date of the next review, when there is one.
//
// Throws Error(invalid_input) with a message naming the review for: a review
// before the child became looked after; reviews not in strictly increasing
// order; an unknown reason; a reason for a review held in timescale; a
// scheduled date not after the last review.
ReviewTimescales review_timescales(Date looked_after, std::span<const HeldMeeting> reviews,
                                   const TimescalePolicy& policy, const HolidayCalendar& calendar,
                                   std::optional<Date> next_scheduled = std::nullopt);

struct ChildProtectionTimescales {
  Date strategy_discussion;
  Date initial_conference_due;
  std::vector<MeetingTimeliness> conferences;  // the initial one first, then the reviews
  MeetingDue next;
};

// Child protection conferences (kChildProtectionConferences) after the
// strategy discussion. Throws Error(invalid_input) as review_timescales does.
ChildProtectionTimescales child_protection_timescales(Date strategy_discussion,
                                                      std::span<const HeldMeeting> conferences,
                                                      const HolidayCalendar& calendar);

struct FormalDisputeTimescales {
  Date raised;
  Date meeting_by;    // day kDisputeMeetingWorkingDays, if the matter is not resolved
  Date response_due;  // day kDisputeResponseWorkingDays
};

FormalDisputeTimescales formal_dispute_timescales(Date raised, const HolidayCalendar& calendar);

}  // namespace iro
