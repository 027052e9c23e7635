#include "iro/child_timescales_json.hpp"

#include <nlohmann/json.hpp>

#include "iro/timescales_json.hpp"

namespace iro {
namespace {

using nlohmann::ordered_json;

ordered_json date_or_null(const std::optional<Date>& date) {
  return date ? ordered_json(date->to_string()) : ordered_json(nullptr);
}

ordered_json problems_json(const std::vector<ReviewRecordProblem>& problems) {
  ordered_json list = ordered_json::array();
  for (const ReviewRecordProblem& problem : problems) {
    list.push_back({{"review_id", problem.review_id},
                    {"date", date_or_null(problem.date)},
                    {"problem", problem.problem}});
  }
  return list;
}

}  // namespace

ordered_json child_timescales_json(const ChildTimescales& child, Date as_of) {
  ordered_json json;
  json["child_id"] = child.child_id;
  ordered_json timescales = review_timescales_json(child.timescales, as_of);
  for (auto& item : timescales.items()) {
    json[item.key()] = std::move(item.value());
    if (item.key() == "reviews") json["record_problems"] = problems_json(child.problems);
  }
  return json;
}

ordered_json child_timescales_summary_json(const ChildTimescales& child, Date as_of) {
  const ReviewTimescales& timescales = child.timescales;
  const MeetingDue& next = timescales.next.due;
  const HeldReview* last = timescales.reviews.empty() ? nullptr : &timescales.reviews.back();
  const bool local = next.local_due.has_value();

  ordered_json json;
  json["child_id"] = child.child_id;
  json["policy"] = std::string(timescales.policy->name);
  json["looked_after"] = timescales.looked_after.to_string();
  json["first_review_due"] = timescales.first_review.due.to_string();
  if (local) json["first_review_local_due"] = timescales.first_review.local_due->to_string();
  json["next_review_due"] = next.due.to_string();
  if (local) json["next_review_local_due"] = next.local_due->to_string();
  json["next_review_scheduled"] = date_or_null(timescales.next.scheduled);
  json["overdue"] = timescales.next.overdue_on(as_of);
  if (local) json["local_overdue"] = as_of > *next.local_due;
  json["last_review"] =
      last ? ordered_json(last->timeliness.date.to_string()) : ordered_json(nullptr);
  json["last_review_in_timescale"] =
      last ? ordered_json(last->timeliness.in_timescale) : ordered_json(nullptr);
  if (local) {
    json["last_review_in_local_timescale"] =
        last ? ordered_json(last->timeliness.in_local_timescale.value_or(false))
             : ordered_json(nullptr);
  }
  json["record_problems"] = child.problems.size();
  json["as_of"] = as_of.to_string();
  return json;
}

}  // namespace iro
