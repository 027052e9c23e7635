// The timescales reviews are held to: the statutory schedule, which is always
// computed, and the local targets some councils set beside it (never instead
// of it). Sources: the regulations, the IRO Handbook and the councils'
// annual reports (docs/ARCHITECTURE.md, "Timescales").
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "iro/date.hpp"
#include "iro/holiday_calendar.hpp"

namespace iro {

enum class TimeUnit { working_days, days, weeks, months };

// A span of time counted from a start date, e.g. 20 working days or 6 months.
struct Interval {
  int count = 0;
  TimeUnit unit = TimeUnit::days;

  // The last day of the interval begun on `start`: working days as
  // add_working_days() counts them, months clamped to the month's end
  // (30 November + 3 months = 28 or 29 February). Days and weeks are calendar
  // days and may end at a weekend: a target is reported as the council states it.
  Date after(Date start, const HolidayCalendar& calendar) const;

  // "20 working days", "28 days", "12 weeks", "6 months".
  std::string describe() const;

  bool operator==(const Interval&) const = default;
};

// How far apart a series of meetings may be: the first counted from the
// starting event, the second from the first meeting's actual date, each later
// one from the previous meeting's actual date. Counting from actual dates is
// what makes a meeting brought forward restart the clock.
struct MeetingSchedule {
  Interval first;
  Interval second;
  Interval subsequent;

  // The interval before meeting `number` (1 = the first).
  const Interval& before_meeting(int number) const;

  bool operator==(const MeetingSchedule&) const = default;
};

// Care Planning, Placement and Case Review (England) Regulations 2010, reg. 33:
// first review within 20 working days of becoming looked after, the second
// not more than 3 months after the first, then not more than 6 months apart.
inline constexpr MeetingSchedule kStatutoryReviews{
    {20, TimeUnit::working_days}, {3, TimeUnit::months}, {6, TimeUnit::months}};

// Child protection conferences (Working Together): the initial conference
// within 15 working days of the strategy discussion, the first review
// conference within 3 months of it, then not more than 6 months apart.
inline constexpr MeetingSchedule kChildProtectionConferences{
    {15, TimeUnit::working_days}, {3, TimeUnit::months}, {6, TimeUnit::months}};

// Practice timescales around a review, in working days (the IRO Handbook
// and the councils' practice).
inline constexpr int kIroAllocationWorkingDays = 5;   // IRO appointed after becoming looked after
inline constexpr int kPreReviewVisitWorkingDays = 5;  // visit at least this long before the review
// Consultation forms out at least this long before the review. The councils'
// reports: "return rates are low unless sent early"; 10 working days gives a child two
// weeks, matches Herefordshire's business support, who convene (and send the
// forms) only when they hear "more than 10 days before the review", and
// leaves the IRO a week after the pre-review visit to read the answers.
inline constexpr int kConsultationOutWorkingDays = 10;
inline constexpr int kRecommendationsWorkingDays = 5;  // recommendations out after the review
inline constexpr int kRecordWorkingDays = 20;  // the record or the letter to the child distributed
inline constexpr int kDisputeMeetingWorkingDays = 15;   // formal dispute: meeting by day 15
inline constexpr int kDisputeResponseWorkingDays = 20;  // formal dispute: resolved by day 20

// A named set of review timescales a council (tenant) works to.
struct TimescalePolicy {
  std::string_view name;    // what --policy and a tenant's setting say: "herefordshire"
  std::string_view source;  // where the local targets are written down
  // The council's own targets, reported beside the statutory dates; nullopt
  // for the statutory policy, which has none.
  std::optional<MeetingSchedule> local_reviews;
};

// Every known policy, "statutory" first.
std::span<const TimescalePolicy> timescale_policies() noexcept;

// The policy called `name`. Throws Error(invalid_input) listing the known
// names when there is none.
const TimescalePolicy& timescale_policy(std::string_view name);

}  // namespace iro
