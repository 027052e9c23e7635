#include "iro/timescales_json.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace iro {
namespace {

using nlohmann::ordered_json;

ordered_json date_or_null(const std::optional<Date>& date) {
  return date ? ordered_json(date->to_string()) : ordered_json(nullptr);
}

// The keys describing how a due date was counted, added to `json`.
void add_counting(const MeetingDue& due, ordered_json& json) {
  json["counted_from"] = due.counted_from.to_string();
  json["interval"] = due.interval.describe();
  if (due.local_interval) json["local_interval"] = due.local_interval->describe();
}

// `type`: what kind of meeting of its series it was ("first", "initial"...).
ordered_json held_meeting_json(const MeetingTimeliness& held, std::string_view type) {
  ordered_json json;
  json["date"] = held.date.to_string();
  json["due"] = held.due.due.to_string();
  json["in_timescale"] = held.in_timescale;
  json["number"] = held.due.number;
  json["type"] = std::string(type);
  json["days_late"] = held.days_late;
  if (held.due.local_due) {
    json["local_due"] = held.due.local_due->to_string();
    json["in_local_timescale"] = held.in_local_timescale.value_or(false);
  }
  json["out_of_timescale_reason"] = held.out_of_timescale_reason.empty()
                                        ? ordered_json(nullptr)
                                        : ordered_json(held.out_of_timescale_reason);
  add_counting(held.due, json);
  return json;
}

ordered_json next_meeting_json(const MeetingDue& due, std::string_view type, Date as_of) {
  ordered_json json;
  json["number"] = due.number;
  json["type"] = std::string(type);
  json["due"] = due.due.to_string();
  if (due.local_due) json["local_due"] = due.local_due->to_string();
  add_counting(due, json);
  json["overdue"] = as_of > due.due;
  return json;
}

std::string_view conference_type(int number) {
  return number == 1 ? "initial" : "review";
}

}  // namespace

ordered_json review_timescales_json(const ReviewTimescales& timescales, Date as_of) {
  const NextReview& next = timescales.next;
  ordered_json json;
  json["policy"] = std::string(timescales.policy->name);
  json["looked_after"] = timescales.looked_after.to_string();
  json["iro_allocation_due"] = timescales.iro_allocation_due.to_string();
  json["first_review_due"] = timescales.first_review.due.to_string();
  if (timescales.first_review.local_due) {
    json["first_review_local_due"] = timescales.first_review.local_due->to_string();
  }
  json["next_review_due"] = next.due.due.to_string();
  if (next.due.local_due) json["next_review_local_due"] = next.due.local_due->to_string();

  ordered_json next_json = next_meeting_json(next.due, to_string(next.type), as_of);
  next_json["scheduled"] = date_or_null(next.scheduled);
  if (next.scheduled_in_timescale) {
    next_json["scheduled_in_timescale"] = *next.scheduled_in_timescale;
  }
  next_json["prepare_for"] = next.prepare_for.to_string();
  next_json["pre_review_visit_by"] = next.pre_review_visit_by.to_string();
  next_json["consultation_out_by"] = next.consultation_out_by.to_string();
  next_json["midway_tracking"] = date_or_null(next.midway_tracking);
  json["next_review"] = std::move(next_json);

  json["reviews"] = ordered_json::array();
  for (const HeldReview& review : timescales.reviews) {
    ordered_json review_json = held_meeting_json(review.timeliness, to_string(review.type));
    review_json["recommendations_due"] = review.recommendations_due.to_string();
    review_json["record_due"] = review.record_due.to_string();
    json["reviews"].push_back(std::move(review_json));
  }
  json["as_of"] = as_of.to_string();
  return json;
}

ordered_json child_protection_json(const ChildProtectionTimescales& timescales, Date as_of) {
  ordered_json json;
  json["strategy_discussion"] = timescales.strategy_discussion.to_string();
  json["initial_conference_due"] = timescales.initial_conference_due.to_string();
  json["next_conference_due"] = timescales.next.due.to_string();
  json["next_conference"] =
      next_meeting_json(timescales.next, conference_type(timescales.next.number), as_of);
  json["conferences"] = ordered_json::array();
  for (const MeetingTimeliness& conference : timescales.conferences) {
    json["conferences"].push_back(
        held_meeting_json(conference, conference_type(conference.due.number)));
  }
  return json;
}

ordered_json formal_dispute_json(const FormalDisputeTimescales& timescales) {
  return {{"raised", timescales.raised.to_string()},
          {"meeting_by", timescales.meeting_by.to_string()},
          {"response_due", timescales.response_due.to_string()}};
}

ordered_json holiday_data_years_json(const HolidayCalendar& calendar) {
  ordered_json ranges = ordered_json::array();
  const auto years = calendar.data_years();
  for (std::size_t i = 0; i < years.size();) {
    std::size_t last = i;
    while (last + 1 < years.size() && years[last + 1] == years[last] + 1) ++last;
    ranges.push_back(last == i ? std::to_string(years[i])
                               : std::to_string(years[i]) + "-" + std::to_string(years[last]));
    i = last + 1;
  }
  return ranges;
}

}  // namespace iro
