#include "iro/child_timescales.hpp"

#include <algorithm>
#include <string>
#include <tuple>

#include "iro/error.hpp"

namespace iro {
namespace {

std::optional<Date> date_field(const Document& document, std::string_view name) {
  const Value* value = document.field(name);
  if (value == nullptr || !std::holds_alternative<Date>(*value)) return std::nullopt;
  return std::get<Date>(*value);
}

// A review not held in parts is its own first part.
std::int64_t part_of(const Document& review) {
  const Value* value = review.field("part");
  return value != nullptr && std::holds_alternative<std::int64_t>(*value)
             ? std::get<std::int64_t>(*value)
             : 1;
}

std::string reason_of(const Document& review) {
  const Value* value = review.field("out_of_timescale_reason");
  return value != nullptr && std::holds_alternative<std::string>(*value)
             ? std::get<std::string>(*value)
             : std::string();
}

std::vector<HeldMeeting> without_reasons(std::vector<HeldMeeting> meetings) {
  for (HeldMeeting& meeting : meetings) meeting.out_of_timescale_reason.clear();
  return meetings;
}

}  // namespace

std::vector<HeldMeeting> ChildReviewRecords::held_meetings() const {
  std::vector<HeldMeeting> meetings;
  meetings.reserve(held.size());
  for (const RecordedReview& review : held) meetings.push_back(review.meeting);
  return meetings;
}

ChildReviewRecords read_review_records(const Document& child, std::span<const Document> records,
                                       Date as_of) {
  if (child.kind != Kind::child) {
    throw Error(ErrorCode::invalid_input, "document " + child.id + " is a " +
                                              std::string(to_string(child.kind)) +
                                              " record, not a child's");
  }
  const auto looked_after = date_field(child, "looked_after_since");
  if (!looked_after) {
    throw Error(ErrorCode::invalid_input,
                "child " + child.child_id + " has no looked_after_since date in its record");
  }
  ChildReviewRecords result{*looked_after, {}, std::nullopt, {}};

  std::vector<std::pair<Date, const Document*>> dated;
  for (const Document& record : records) {
    if (record.kind != Kind::review || record.child_id != child.child_id || record.deleted) {
      continue;
    }
    const auto date = date_field(record, "date");
    if (!date) {
      result.problems.push_back({record.id, std::nullopt, "no date: not counted"});
    } else if (*date < result.looked_after) {
      result.problems.push_back({record.id, date,
                                 "before the child became looked after on " +
                                     result.looked_after.to_string() +
                                     " (an earlier period of care?): not counted"});
    } else {
      dated.emplace_back(*date, &record);
    }
  }
  // Parts in order within a day; the id breaks ties so every host agrees.
  std::ranges::sort(dated, [](const auto& a, const auto& b) {
    return std::tuple(a.first, part_of(*a.second), a.second->id) <
           std::tuple(b.first, part_of(*b.second), b.second->id);
  });

  std::vector<RecordedReview> reviews;
  for (const auto& [date, record] : dated) {
    const std::int64_t part = part_of(*record);
    const std::string reason = reason_of(*record);
    if (part >= 2 && !reviews.empty() && part > reviews.back().last_part) {
      // A later part of the review before it: the review moves to this date.
      RecordedReview& review = reviews.back();
      review.meeting.date = date;
      review.last_part = part;
      review.record_ids.push_back(record->id);
      if (!reason.empty()) {
        review.meeting.out_of_timescale_reason = reason;
        review.reason_record_id = record->id;
      }
      continue;
    }
    if (!reviews.empty() && reviews.back().meeting.date == date) {
      result.problems.push_back(
          {record->id, date,
           "the same date as review " + reviews.back().record_ids.front() + ": not counted"});
      continue;
    }
    reviews.push_back({{date, reason}, {record->id}, reason.empty() ? "" : record->id, part});
  }

  for (RecordedReview& review : reviews) {
    if (review.meeting.date <= as_of) {
      result.held.push_back(std::move(review));
    } else if (!result.booked) {
      // Not held yet: the next review, booked. Later ones wait their turn.
      result.booked = review.meeting.date;
    }
  }
  return result;
}

ChildTimescales child_timescales(const Document& child, std::span<const Document> records,
                                 const TimescalePolicy& policy, const HolidayCalendar& calendar,
                                 Date as_of, std::optional<Date> scheduled) {
  ChildReviewRecords read = read_review_records(child, records, as_of);
  const std::optional<Date> next_booked = scheduled ? scheduled : read.booked;
  std::vector<HeldMeeting> meetings = read.held_meetings();

  // First without reasons, to learn which reviews were late: the engine
  // refuses a reason for a review in timescale, and from records that is one
  // wrong field to point out, not a reason to show no dates at all.
  ReviewTimescales plain = review_timescales(read.looked_after, without_reasons(meetings), policy,
                                             calendar, next_booked);
  bool reasons_apply = false;
  for (std::size_t i = 0; i < meetings.size(); ++i) {
    HeldMeeting& meeting = meetings[i];
    if (meeting.out_of_timescale_reason.empty()) continue;
    const MeetingTimeliness& timeliness = plain.reviews[i].timeliness;
    if (timeliness.in_timescale && timeliness.in_local_timescale.value_or(true)) {
      read.problems.push_back({read.held[i].reason_record_id, meeting.date,
                               "out_of_timescale_reason " + meeting.out_of_timescale_reason +
                                   " left out: the review was in timescale (due " +
                                   timeliness.due.due.to_string() + ")"});
      meeting.out_of_timescale_reason.clear();
    } else {
      reasons_apply = true;
    }
  }
  if (reasons_apply) {
    plain = review_timescales(read.looked_after, meetings, policy, calendar, next_booked);
  }
  return {child.child_id, std::move(plain), std::move(read.problems)};
}

}  // namespace iro
