#include "iro/child_timescales.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "iro/child_timescales_json.hpp"
#include "iro/error.hpp"
#include "iro/timescales_json.hpp"
#include "support/test_dates.hpp"

using iro::ChildTimescales;
using iro::Date;
using iro::Document;
using iro::FieldMap;
using iro::Kind;
using nlohmann::ordered_json;

namespace {

using iro::test::day;

const iro::HolidayCalendar& calendar() {
  return iro::HolidayCalendar::england_and_wales();
}

Document child_record(const std::string& child_id, std::optional<Date> looked_after) {
  Document child;
  child.id = "child-" + child_id;
  child.kind = Kind::child;
  child.child_id = child_id;
  child.fields.emplace("first_name", std::string("Sam"));
  if (looked_after) child.fields.emplace("looked_after_since", *looked_after);
  return child;
}

// A review record of child C1; `date` empty for a review not yet dated.
Document review(const std::string& id, const char* date, FieldMap more = {}) {
  Document record;
  record.id = id;
  record.kind = Kind::review;
  record.child_id = "C1";
  record.fields = std::move(more);
  if (*date != '\0') record.fields.emplace("date", day(date));
  return record;
}

FieldMap reason(const char* code) {
  return {{"out_of_timescale_reason", std::string(code)}};
}

FieldMap part(std::int64_t number) {
  return {{"part", number}};
}

// Looked after Mon 8 Jan 2024 (the command-line tests' child).
const Document kChild = child_record("C1", day("2024-01-08"));

ChildTimescales assess(const std::vector<Document>& records, const char* as_of = "2024-10-01",
                       const char* policy = "statutory") {
  return iro::child_timescales(kChild, records, iro::timescale_policy(policy), calendar(),
                               day(as_of));
}

std::vector<std::string> dates_held(const ChildTimescales& child) {
  std::vector<std::string> dates;
  for (const iro::HeldReview& held : child.timescales.reviews) {
    dates.push_back(held.timeliness.date.to_string());
  }
  return dates;
}

// The message of the Error `action` throws ("" and a failed check when none).
template <typename Action>
std::string error_text(Action action) {
  try {
    action();
  } catch (const iro::Error& error) {
    CHECK(error.code() == iro::ErrorCode::invalid_input);
    return error.what();
  }
  FAIL_CHECK("expected an error");
  return "";
}

std::vector<std::string> keys_of(const ordered_json& json) {
  std::vector<std::string> keys;
  for (const auto& item : json.items()) keys.push_back(item.key());
  return keys;
}

}  // namespace

TEST_CASE("a child's records give exactly the timescales of the same dates given directly") {
  // Out of order, among records that are not this child's live reviews.
  std::vector<Document> records = {
      review("r3", "2024-09-23", reason("social_worker_absent")),
      review("r1", "2024-02-05"),
      review("r2", "2024-03-20"),
  };
  Document visit = review("v1", "2024-04-01");
  visit.kind = Kind::visit;
  Document deleted = review("r9", "2024-06-01");
  deleted.deleted = true;
  Document other_child = review("r8", "2024-07-01");
  other_child.child_id = "C2";
  records.insert(records.end(), {visit, deleted, other_child, kChild});

  for (const char* policy : {"statutory", "herefordshire", "sunderland"}) {
    CAPTURE(policy);
    const std::vector<iro::HeldMeeting> given = {{day("2024-02-05"), ""},
                                                 {day("2024-03-20"), ""},
                                                 {day("2024-09-23"), "social_worker_absent"}};
    const ordered_json direct = iro::review_timescales_json(
        iro::review_timescales(day("2024-01-08"), given, iro::timescale_policy(policy), calendar()),
        day("2024-10-01"));

    ordered_json from_records =
        iro::child_timescales_json(assess(records, "2024-10-01", policy), day("2024-10-01"));
    CHECK(from_records["child_id"] == "C1");
    CHECK(from_records["record_problems"] == ordered_json::array());
    from_records.erase("child_id");
    from_records.erase("record_problems");
    CHECK(from_records == direct);
  }
}

TEST_CASE("the JSON leads with the child and lists record problems after the reviews") {
  const ordered_json json = iro::child_timescales_json(
      assess({review("r1", "2024-02-05"), review("r2", "")}), day("2024-10-01"));
  CHECK(keys_of(json) == std::vector<std::string>{"child_id", "policy", "looked_after",
                                                  "iro_allocation_due", "first_review_due",
                                                  "next_review_due", "next_review", "reviews",
                                                  "record_problems", "as_of"});
  CHECK(json["record_problems"] ==
        ordered_json::parse(
            R"([{"review_id": "r2", "date": null, "problem": "no date: not counted"}])"));
}

TEST_CASE(
    "reviews with no date, before the child became looked after, or twice on a day are not "
    "counted") {
  const ChildTimescales child = assess({
      review("undated", ""),
      review("earlier-care", "2023-11-30"),
      review("r1", "2024-02-05"),
      review("r1-again", "2024-02-05"),
      review("r2", "2024-03-20"),
  });
  CHECK(dates_held(child) == std::vector<std::string>{"2024-02-05", "2024-03-20"});
  CHECK(child.timescales.reviews[1].timeliness.due.number == 2);
  REQUIRE(child.problems.size() == 3);
  CHECK(child.problems[0] ==
        iro::ReviewRecordProblem{"undated", std::nullopt, "no date: not counted"});
  CHECK(child.problems[1] ==
        iro::ReviewRecordProblem{"earlier-care", day("2023-11-30"),
                                 "before the child became looked after on 2024-01-08 (an earlier "
                                 "period of care?): not counted"});
  CHECK(child.problems[2] == iro::ReviewRecordProblem{"r1-again", day("2024-02-05"),
                                                      "the same date as review r1: not counted"});
}

TEST_CASE("a review held in parts counts once, on the date of its last part") {
  // The first review in two parts: Fri 2 Feb and, late, Thu 8 Feb (due Mon 5
  // Feb). The second review is counted from 8 Feb and numbered 2.
  const ChildTimescales child = assess({
      review("first-a", "2024-02-02", part(1)),
      review(
          "first-b", "2024-02-08",
          {{"part", std::int64_t{2}}, {"out_of_timescale_reason", std::string("held_in_parts")}}),
      review("second", "2024-05-01"),
  });
  REQUIRE(dates_held(child) == std::vector<std::string>{"2024-02-08", "2024-05-01"});
  const iro::MeetingTimeliness& first = child.timescales.reviews[0].timeliness;
  CHECK(first.in_timescale == false);
  CHECK(first.days_late == 3);
  CHECK(first.out_of_timescale_reason == "held_in_parts");
  CHECK(child.timescales.reviews[1].timeliness.due.counted_from == day("2024-02-08"));
  CHECK(child.timescales.reviews[1].type == iro::ReviewType::second);
  CHECK(child.problems.empty());

  const iro::ChildReviewRecords read =
      iro::read_review_records(kChild,
                               std::vector<Document>{review("first-b", "2024-02-08", part(2)),
                                                     review("first-a", "2024-02-02", part(1))},
                               day("2024-10-01"));
  REQUIRE(read.held.size() == 1);
  CHECK(read.held[0].record_ids == std::vector<std::string>{"first-a", "first-b"});
  CHECK(read.held[0].last_part == 2);

  // Parts on one day are one review too; a part 2 with no review before it is its own.
  CHECK(dates_held(assess({review("a", "2024-02-05", part(1)), review("b", "2024-02-05", part(2))}))
            .size() == 1);
  CHECK(dates_held(assess({review("b", "2024-02-05", part(2))})).size() == 1);
}

TEST_CASE("a review dated after --as-of is not held yet: it is the next one, booked") {
  const std::vector<Document> records = {review("r1", "2024-02-05"), review("booked", "2024-04-26"),
                                         review("later", "2024-10-20")};
  const ChildTimescales child = assess(records, "2024-03-01");
  CHECK(dates_held(child) == std::vector<std::string>{"2024-02-05"});
  CHECK(child.timescales.next.scheduled == day("2024-04-26"));
  CHECK(child.timescales.next.scheduled_in_timescale == true);
  CHECK(child.timescales.next.pre_review_visit_by == day("2024-04-19"));
  CHECK(child.problems.empty());

  // A date the caller gives wins over the record.
  const ChildTimescales rebooked =
      iro::child_timescales(kChild, records, iro::timescale_policy("statutory"), calendar(),
                            day("2024-03-01"), day("2024-05-03"));
  CHECK(rebooked.timescales.next.scheduled == day("2024-05-03"));
  CHECK(rebooked.timescales.next.scheduled_in_timescale == true);

  // Once the day has passed the booked review is held, and the later one is next.
  const ChildTimescales afterwards = assess(records, "2024-05-01");
  CHECK(dates_held(afterwards) == std::vector<std::string>{"2024-02-05", "2024-04-26"});
  CHECK(afterwards.timescales.next.scheduled == day("2024-10-20"));
  CHECK(afterwards.timescales.next.scheduled_in_timescale == true);
}

TEST_CASE("an out-of-timescale reason on a review held in timescale is left out, and said so") {
  const ChildTimescales child = assess({review("r1", "2024-02-05", reason("calculation_error")),
                                        review("r2", "2024-05-20", reason("late_notification"))});
  REQUIRE(child.timescales.reviews.size() == 2);
  CHECK(child.timescales.reviews[0].timeliness.out_of_timescale_reason.empty());
  CHECK(child.timescales.reviews[1].timeliness.in_timescale == false);
  CHECK(child.timescales.reviews[1].timeliness.out_of_timescale_reason == "late_notification");
  REQUIRE(child.problems.size() == 1);
  CHECK(child.problems[0] == iro::ReviewRecordProblem{"r1", day("2024-02-05"),
                                                      "out_of_timescale_reason calculation_error "
                                                      "left out: the review was in timescale "
                                                      "(due 2024-02-05)"});

  // Late only against the council's own target: the reason stands. Looked
  // after Wed 20 Dec 2023: statutory Mon 22 Jan, Herefordshire's 28 days Wed 17 Jan.
  const Document christmas_child = child_record("C1", day("2023-12-20"));
  const ChildTimescales local = iro::child_timescales(
      christmas_child,
      std::vector<Document>{review("r1", "2024-01-19", reason("late_notification"))},
      iro::timescale_policy("herefordshire"), calendar(), day("2024-02-01"));
  CHECK(local.problems.empty());
  CHECK(local.timescales.reviews[0].timeliness.in_timescale == true);
  CHECK(local.timescales.reviews[0].timeliness.in_local_timescale == false);
  CHECK(local.timescales.reviews[0].timeliness.out_of_timescale_reason == "late_notification");
}

TEST_CASE(
    "a child record without a looked-after date, or a record that is not a child's, is refused") {
  CHECK(error_text([] {
          iro::child_timescales(child_record("C7", std::nullopt), {},
                                iro::timescale_policy("statutory"), calendar(), day("2024-10-01"));
        }) == "child C7 has no looked_after_since date in its record");
  CHECK(error_text([] {
          iro::child_timescales(review("r1", "2024-02-05"), {}, iro::timescale_policy("statutory"),
                                calendar(), day("2024-10-01"));
        }) == "document r1 is a review record, not a child's");
}

TEST_CASE(
    "a manager's line: next due, overdue, the last review, and local keys only for a council") {
  const std::vector<Document> records = {review("r1", "2024-02-05"),
                                         review("r2", "2024-05-20", reason("late_notification")),
                                         review("undated", "")};
  const ordered_json statutory =
      iro::child_timescales_summary_json(assess(records, "2024-12-01"), day("2024-12-01"));
  CHECK(keys_of(statutory) == std::vector<std::string>{"child_id", "policy", "looked_after",
                                                       "first_review_due", "next_review_due",
                                                       "next_review_scheduled", "overdue",
                                                       "last_review", "last_review_in_timescale",
                                                       "record_problems", "as_of"});
  CHECK(statutory["child_id"] == "C1");
  CHECK(statutory["first_review_due"] == "2024-02-05");
  CHECK(statutory["next_review_due"] == "2024-11-20");  // 6 months after 20 May
  CHECK(statutory["overdue"] == true);
  CHECK(statutory["last_review"] == "2024-05-20");
  CHECK(statutory["last_review_in_timescale"] == false);  // due 5 May
  CHECK(statutory["record_problems"] == 1);

  const ordered_json on_time =
      iro::child_timescales_summary_json(assess(records, "2024-11-20"), day("2024-11-20"));
  CHECK(on_time["overdue"] == false);  // due today is not yet overdue

  const ordered_json council = iro::child_timescales_summary_json(
      assess({review("r1", "2024-02-05")}, "2024-04-30", "herefordshire"), day("2024-04-30"));
  CHECK(council["policy"] == "herefordshire");
  CHECK(council["next_review_due"] == "2024-05-05");
  CHECK(council["next_review_local_due"] == "2024-04-29");  // 12 weeks after 5 Feb
  CHECK(council["overdue"] == false);
  CHECK(council["local_overdue"] == true);
  CHECK(council["last_review_in_timescale"] == true);
  CHECK(council["last_review_in_local_timescale"] == true);

  const ordered_json none_yet =
      iro::child_timescales_summary_json(assess({}, "2024-01-10"), day("2024-01-10"));
  CHECK(none_yet["last_review"] == nullptr);
  CHECK(none_yet["last_review_in_timescale"] == nullptr);
  CHECK(none_yet["next_review_due"] == "2024-02-05");
  CHECK(none_yet["overdue"] == false);
}
