#include "iro/timescales.hpp"

#include <doctest/doctest.h>

#include <vector>

#include "iro/error.hpp"
#include "support/test_dates.hpp"

using iro::Date;
using iro::HeldMeeting;
using iro::ReviewTimescales;
using iro::ReviewType;

namespace {

using iro::test::day;

const iro::HolidayCalendar& calendar() {
  return iro::HolidayCalendar::england_and_wales();
}

ReviewTimescales timescales(const char* looked_after, std::vector<HeldMeeting> reviews,
                            const char* policy = "statutory",
                            std::optional<Date> scheduled = std::nullopt) {
  return iro::review_timescales(day(looked_after), reviews, iro::timescale_policy(policy),
                                calendar(), scheduled);
}

HeldMeeting held(const char* date, const char* reason = "") {
  return {day(date), reason};
}

}  // namespace

// Expected dates below are counted by hand on a calendar. Working days skip
// Saturdays, Sundays and bank holidays; the looked-after date is day 0.

TEST_CASE("a child new to care: first review, IRO allocation and preparation dates") {
  // Monday 8 January 2024. 20 working days: four whole weeks, no holiday.
  const ReviewTimescales t = timescales("2024-01-08", {});
  CHECK(t.policy->name == "statutory");
  CHECK(t.iro_allocation_due == day("2024-01-15"));  // 5 working days: the next Monday
  CHECK(t.first_review.due == day("2024-02-05"));
  CHECK(t.first_review.interval.describe() == "20 working days");
  CHECK_FALSE(t.first_review.local_due.has_value());
  CHECK(t.reviews.empty());

  CHECK(t.next.due.number == 1);
  CHECK(t.next.type == ReviewType::first);
  CHECK(t.next.due.due == day("2024-02-05"));
  CHECK(t.next.prepare_for == day("2024-02-05"));
  // Back from Mon 5 Feb: Fri 2, Thu 1, Wed 31, Tue 30, Mon 29 Jan.
  CHECK(t.next.pre_review_visit_by == day("2024-01-29"));
  // Five more: Fri 26, Thu 25, Wed 24, Tue 23, Mon 22 Jan.
  CHECK(t.next.consultation_out_by == day("2024-01-22"));
  CHECK_FALSE(t.next.midway_tracking.has_value());  // midway is between reviews
  CHECK_FALSE(t.next.overdue_on(day("2024-02-05")));
  CHECK(t.next.overdue_on(day("2024-02-06")));
}

TEST_CASE("the first review's 20 working days stretch over Christmas and Easter") {
  // Mon 16 Dec 2024: 17-20 (4), 23, 24 (6), 25 and 26 Dec off, 27 (7), 30, 31 (9),
  // 1 Jan off, 2, 3 (11), 6-10 (16), 13-16 (20).
  CHECK(timescales("2024-12-16", {}).first_review.due == day("2025-01-16"));
  // Fri 15 Mar 2024: 18-22 (5), 25-28 (9), Good Friday 29 Mar and Easter Monday
  // 1 Apr off, 2-5 Apr (13), 8-12 (18), 15, 16 (20).
  CHECK(timescales("2024-03-15", {}).first_review.due == day("2024-04-16"));
  // Fri 22 Mar 2024: IRO allocated within 5 working days: 25, 26, 27, 28, then
  // over Easter to Tue 2 Apr.
  CHECK(timescales("2024-03-22", {}).iro_allocation_due == day("2024-04-02"));
}

TEST_CASE("a review held on its due date is in timescale, the day after is late") {
  const ReviewTimescales on_time = timescales("2024-01-08", {held("2024-02-05")});
  REQUIRE(on_time.reviews.size() == 1);
  CHECK(on_time.reviews[0].timeliness.due.due == day("2024-02-05"));
  CHECK(on_time.reviews[0].timeliness.in_timescale);
  CHECK(on_time.reviews[0].timeliness.days_late == 0);
  CHECK(on_time.reviews[0].type == ReviewType::first);

  const ReviewTimescales late = timescales("2024-01-08", {held("2024-02-06")});
  CHECK_FALSE(late.reviews[0].timeliness.in_timescale);
  CHECK(late.reviews[0].timeliness.days_late == 1);
  CHECK(late.reviews[0].timeliness.out_of_timescale_reason.empty());  // none was given
  CHECK(late.first_review.due == day("2024-02-05"));
}

TEST_CASE("second review 3 months after the first, then every 6 months, from actual dates") {
  const ReviewTimescales t =
      timescales("2024-01-08", {held("2024-02-05"),  // first, on its due date
                                held("2024-03-20"),  // second, brought forward (due 5 May)
                                held("2024-09-23", "social_worker_absent")});  // third, late
  REQUIRE(t.reviews.size() == 3);
  CHECK(t.first_review.due == day("2024-02-05"));

  const auto& second = t.reviews[1];
  CHECK(second.type == ReviewType::second);
  CHECK(second.timeliness.due.counted_from == day("2024-02-05"));
  CHECK(second.timeliness.due.due == day("2024-05-05"));
  CHECK(second.timeliness.in_timescale);

  // Brought forward: the clock restarts from 20 March, so the third review is
  // due 20 September, not 5 November (6 months after the second's due date).
  const auto& third = t.reviews[2];
  CHECK(third.type == ReviewType::subsequent);
  CHECK(third.timeliness.due.counted_from == day("2024-03-20"));
  CHECK(third.timeliness.due.due == day("2024-09-20"));
  CHECK_FALSE(third.timeliness.in_timescale);
  CHECK(third.timeliness.days_late == 3);
  CHECK(third.timeliness.out_of_timescale_reason == "social_worker_absent");

  // A late review also restarts the clock from when it was actually held.
  CHECK(t.next.due.number == 4);
  CHECK(t.next.type == ReviewType::subsequent);
  CHECK(t.next.due.counted_from == day("2024-09-23"));
  CHECK(t.next.due.due == day("2025-03-23"));
}

TEST_CASE("after each review: recommendations in 5 working days, the record in 20") {
  const ReviewTimescales t = timescales("2024-01-08", {held("2024-02-05"), held("2024-03-20")});
  CHECK(t.reviews[0].recommendations_due == day("2024-02-12"));
  // Mon 5 Feb + 20 working days: four whole weeks to Fri 1 Mar, then Mon 4 Mar.
  CHECK(t.reviews[0].record_due == day("2024-03-04"));
  // Wed 20 Mar 2024: 21, 22, 25, 26, 27.
  CHECK(t.reviews[1].recommendations_due == day("2024-03-27"));
  // 21, 22 (2), 25-28 (6), Easter off, 2-5 Apr (10), 8-12 (15), 15-19 (20).
  CHECK(t.reviews[1].record_due == day("2024-04-19"));
}

TEST_CASE("midway tracking falls half-way between the last review and the next due date") {
  // 5 Feb to 5 May 2024 is 90 days; half is 45: Thursday 21 March.
  CHECK(timescales("2024-01-08", {held("2024-02-05")}).next.midway_tracking == day("2024-03-21"));
  // 23 Sep 2024 to 23 Mar 2025 is 181 days; 90 days on is Sunday 22 December,
  // brought forward to Friday 20 December.
  const ReviewTimescales t =
      timescales("2024-01-08", {held("2024-02-05"), held("2024-03-20"), held("2024-09-23")});
  CHECK(t.next.midway_tracking == day("2024-12-20"));
  // The next review is due on a Sunday (23 Mar 2025): the visit is 5 working
  // days before it (Fri 21, Thu 20, Wed 19, Tue 18, Mon 17), the forms 10.
  CHECK(t.next.pre_review_visit_by == day("2025-03-17"));
  CHECK(t.next.consultation_out_by == day("2025-03-10"));
}

TEST_CASE("month arithmetic clamps to the end of the month, leap years included") {
  // Fri 3 Nov 2023 + 20 working days is Fri 1 Dec; the first review on 30 Nov.
  CHECK(timescales("2023-11-03", {held("2023-11-30")}).next.due.due == day("2024-02-29"));
  // Thu 3 Nov 2022 + 20 working days is Thu 1 Dec; 30 Nov + 3 months in a common year.
  CHECK(timescales("2022-11-03", {held("2022-11-30")}).next.due.due == day("2023-02-28"));
  // 31 August + 6 months: the end of February, 29th in a leap year.
  const ReviewTimescales t =
      timescales("2023-03-06", {held("2023-03-31"), held("2023-05-31"), held("2023-08-31")});
  CHECK(t.reviews[2].timeliness.due.due == day("2023-11-30"));  // 31 May + 6 months
  CHECK(t.next.due.due == day("2024-02-29"));
  const ReviewTimescales common =
      timescales("2024-03-04", {held("2024-03-28"), held("2024-05-31"), held("2024-08-31")});
  CHECK(common.next.due.due == day("2025-02-28"));
}

TEST_CASE("a child who comes into care at a weekend: 28 days is later than the statutory date") {
  // Sat 6 Jan 2024: working day 1 is Mon 8 Jan, day 20 is Fri 2 Feb; 28
  // calendar days is Sat 3 Feb. Both are shown; the statutory date is not replaced.
  for (const char* council : {"herefordshire", "leicestershire"}) {
    CAPTURE(council);
    const ReviewTimescales t = timescales("2024-01-06", {}, council);
    CHECK(t.first_review.due == day("2024-02-02"));
    CHECK(t.first_review.local_due == day("2024-02-03"));
    CHECK(t.first_review.local_interval->describe() == "28 days");
    // Preparation counts back from the earlier date.
    CHECK(t.next.prepare_for == day("2024-02-02"));
  }
  // Over Christmas it is the other way round: 28 days from Mon 16 Dec 2024 is
  // Mon 13 Jan, before the statutory Thu 16 Jan, so the council's date leads.
  const ReviewTimescales christmas = timescales("2024-12-16", {}, "leicestershire");
  CHECK(christmas.first_review.due == day("2025-01-16"));
  CHECK(christmas.first_review.local_due == day("2025-01-13"));
  CHECK(christmas.next.prepare_for == day("2025-01-13"));
  // Fri 10, Thu 9, Wed 8, Tue 7, Mon 6 January.
  CHECK(christmas.next.pre_review_visit_by == day("2025-01-06"));
}

TEST_CASE("council targets are judged beside the statutory ones") {
  // Herefordshire: the second review within 12 weeks of the first (84 days:
  // Mon 29 Apr 2024), statutory 3 months (Sun 5 May).
  const ReviewTimescales hereford = timescales(
      "2024-01-08", {held("2024-02-05"), held("2024-05-01", "missing_report")}, "herefordshire");
  const auto& second = hereford.reviews[1].timeliness;
  CHECK(second.due.due == day("2024-05-05"));
  CHECK(second.due.local_due == day("2024-04-29"));
  CHECK(second.in_timescale);  // statutory: in
  CHECK(second.in_local_timescale == false);
  CHECK(second.out_of_timescale_reason == "missing_report");  // a reason for the local miss

  // Sunderland: second within 91 days (5 Feb + 91 = Mon 6 May 2024), later
  // ones 183 days (6 May + 183 = Tue 5 Nov, a day before the statutory 6 Nov).
  const ReviewTimescales sunderland =
      timescales("2024-01-08", {held("2024-02-05"), held("2024-05-06")}, "sunderland");
  CHECK(sunderland.first_review.local_due == day("2024-02-05"));  // statutory 20 working days
  const auto& held_second = sunderland.reviews[1].timeliness;
  CHECK(held_second.due.local_due == day("2024-05-06"));
  CHECK_FALSE(held_second.in_timescale);  // the statutory date was 5 May
  CHECK(held_second.days_late == 1);
  CHECK(held_second.in_local_timescale == true);
  CHECK(sunderland.next.due.due == day("2024-11-06"));
  CHECK(sunderland.next.due.local_due == day("2024-11-05"));
  CHECK(sunderland.next.due.local_interval->describe() == "183 days");

  // The statutory policy has no local target at all.
  const ReviewTimescales statutory = timescales("2024-01-08", {held("2024-02-05")});
  CHECK_FALSE(statutory.reviews[0].timeliness.in_local_timescale.has_value());
  CHECK_FALSE(statutory.next.due.local_due.has_value());
}

TEST_CASE("a booked review date drives the preparation dates and is judged") {
  const ReviewTimescales booked =
      timescales("2024-01-08", {held("2024-02-05")}, "statutory", day("2024-04-26"));
  CHECK(booked.next.scheduled == day("2024-04-26"));
  CHECK(booked.next.scheduled_in_timescale == true);
  CHECK(booked.next.prepare_for == day("2024-04-26"));
  // Back from Fri 26 Apr: 25, 24, 23, 22, Fri 19 (5); 18, 17, 16, 15, Fri 12 (10).
  CHECK(booked.next.pre_review_visit_by == day("2024-04-19"));
  CHECK(booked.next.consultation_out_by == day("2024-04-12"));

  const ReviewTimescales too_late =
      timescales("2024-01-08", {held("2024-02-05")}, "statutory", day("2024-05-07"));
  CHECK(too_late.next.scheduled_in_timescale == false);
}

TEST_CASE("reviews that cannot be right are refused with a clear message") {
  CHECK_THROWS_WITH_AS(timescales("2024-01-08", {held("2024-01-05")}),
                       "review 1 on 2024-01-05 is before the child became looked after on "
                       "2024-01-08",
                       iro::Error);
  CHECK_THROWS_WITH_AS(
      timescales("2024-01-08", {held("2024-02-05"), held("2024-05-01"), held("2024-03-01")}),
      "review 3 on 2024-03-01 is not after review 2 on 2024-05-01: give each review once, in "
      "the order they were held",
      iro::Error);
  CHECK_THROWS_WITH_AS(timescales("2024-01-08", {held("2024-02-05"), held("2024-02-05")}),
                       doctest::Contains("review 2 on 2024-02-05 is not after review 1"),
                       iro::Error);
  CHECK_THROWS_WITH_AS(timescales("2024-01-08", {held("2024-02-09", "lost_diary")}),
                       "unknown out-of-timescale reason \"lost_diary\" (known: "
                       "late_notification, calculation_error, missing_report, "
                       "significant_person_absent, social_worker_absent, held_in_parts, other)",
                       iro::Error);
  CHECK_THROWS_WITH_AS(timescales("2024-01-08", {held("2024-02-05", "calculation_error")}),
                       "review 1 on 2024-02-05 was in timescale (due 2024-02-05): an "
                       "out-of-timescale reason (calculation_error) does not apply",
                       iro::Error);
  CHECK_THROWS_WITH_AS(
      timescales("2024-01-08", {held("2024-02-05")}, "statutory", day("2024-02-05")),
      "the next review scheduled for 2024-02-05 is not after the last review on 2024-02-05",
      iro::Error);
  CHECK_THROWS_WITH_AS(timescales("2024-01-08", {}, "statutory", day("2024-01-07")),
                       "the next review scheduled for 2024-01-07 is before the child became "
                       "looked after on 2024-01-08",
                       iro::Error);
  CHECK_THROWS_WITH_AS(timescales("2024-01-08", {}, "Durham"),
                       doctest::Contains("unknown timescale policy \"Durham\""), iro::Error);
}

TEST_CASE("child protection: initial conference in 15 working days, then 3 and 6 months") {
  const auto none = iro::child_protection_timescales(day("2024-01-08"), {}, calendar());
  // Mon 8 Jan 2024: 9-12 (4), 15-19 (9), 22-26 (14), Mon 29 (15).
  CHECK(none.initial_conference_due == day("2024-01-29"));
  CHECK(none.next.due == day("2024-01-29"));

  const std::vector<HeldMeeting> conferences = {held("2024-01-25"), held("2024-04-25")};
  const auto two = iro::child_protection_timescales(day("2024-01-08"), conferences, calendar());
  CHECK(two.initial_conference_due == day("2024-01-29"));
  REQUIRE(two.conferences.size() == 2);
  CHECK(two.conferences[1].due.due == day("2024-04-25"));  // 3 months after the initial
  CHECK(two.conferences[1].in_timescale);
  CHECK(two.next.due == day("2024-10-25"));  // then 6 months

  const std::vector<HeldMeeting> early = {held("2024-01-05")};
  CHECK_THROWS_WITH_AS(iro::child_protection_timescales(day("2024-01-08"), early, calendar()),
                       "conference 1 on 2024-01-05 is before the strategy discussion on "
                       "2024-01-08",
                       iro::Error);
}

TEST_CASE("formal dispute: a meeting by working day 15, resolved by day 20") {
  // Mon 18 Mar 2024: 19-22 (4), 25-28 (8), Easter off, 2-5 Apr (12),
  // 8, 9, 10 (15); 11, 12 (17), 15, 16, 17 (20).
  const auto dispute = iro::formal_dispute_timescales(day("2024-03-18"), calendar());
  CHECK(dispute.raised == day("2024-03-18"));
  CHECK(dispute.meeting_by == day("2024-04-10"));
  CHECK(dispute.response_due == day("2024-04-17"));
}

TEST_CASE("a replacement holiday file changes the dates computed from it") {
  // The same child with a proclaimed holiday on Fri 2 Feb 2024 (a made-up
  // file listing the whole year): the 20th working day moves to Tue 6 Feb.
  std::string csv = "date,name\n2024-02-02,A proclaimed day\n";
  for (const auto& holiday : iro::bank_holidays_by_rule(2024)) {
    csv += holiday.date.to_string() + "," + holiday.name + "\n";
  }
  const auto updated = calendar().updated_with_csv(csv, "proclaimed.csv");
  const auto t =
      iro::review_timescales(day("2024-01-08"), {}, iro::timescale_policy("statutory"), updated);
  CHECK(t.first_review.due == day("2024-02-06"));
}
