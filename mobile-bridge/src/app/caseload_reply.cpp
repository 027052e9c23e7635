#include <algorithm>
#include <vector>

#include "app/app_screens.hpp"
#include "iro/device_timescales.hpp"
#include "iro/error.hpp"
#include "iro/holiday_calendar.hpp"

namespace iro::app {
namespace {

const std::string* text_field(const Document& document, std::string_view name) {
  const Value* value = document.field(name);
  return value ? std::get_if<std::string>(value) : nullptr;
}

const Date* date_field(const Document& document, std::string_view name) {
  const Value* value = document.field(name);
  return value ? std::get_if<Date>(value) : nullptr;
}

// What the caseload shows of a child's timescales: the next review and the
// pre-review visit before it, each with whether it is overdue on `today`.
nlohmann::json next_dates(const DeviceStore& store, const Document& child,
                          const TimescalePolicy& policy, Date today) {
  nlohmann::json dates;
  try {
    const nlohmann::ordered_json timescales = device_child_timescales_json(
        store, child.child_id, policy, HolidayCalendar::england_and_wales(), today);
    const auto& next = timescales["next_review"];
    if (next.is_null()) return {{"next_review", nullptr}};
    const auto& visit_by = next["pre_review_visit_by"];
    const bool visit_overdue =
        visit_by.is_string() && *Date::parse(visit_by.get<std::string>()) < today;
    nlohmann::json review;
    review["number"] = next["number"];
    review["type"] = next["type"];
    review["due"] = next["due"];
    review["overdue"] = next["overdue"];
    review["pre_review_visit_by"] = visit_by;
    review["pre_review_visit_overdue"] = visit_overdue;
    dates["next_review"] = std::move(review);
  } catch (const Error& error) {
    // One child's missing date must not hide the rest of the caseload.
    dates["next_review"] = nullptr;
    dates["problem"] = error.what();
  }
  return dates;
}

}  // namespace

std::string display_name(const Document& child) {
  const std::string* preferred = text_field(child, "preferred_name");
  const std::string* first = text_field(child, "first_name");
  const std::string* last = text_field(child, "last_name");
  std::string name = preferred && !preferred->empty() ? *preferred : first ? *first : "";
  if (last && !last->empty()) name += (name.empty() ? "" : " ") + *last;
  return name.empty() ? child.child_id : name;
}

nlohmann::json caseload_reply(const DeviceStore& store, Date today) {
  // The council's policy, once (it is in the store's status). A build that
  // does not know it says why for every child, and still lists them.
  const TimescalePolicy* policy = nullptr;
  std::string policy_problem;
  try {
    policy = &device_timescale_policy(store);
  } catch (const Error& error) {
    policy_problem = error.what();
  }
  std::vector<nlohmann::json> children;
  for (const Document& child : store.query(DocumentQuery::of_kind(Kind::child))) {
    if (child.deleted) continue;
    nlohmann::json entry =
        policy ? next_dates(store, child, *policy, today)
               : nlohmann::json{{"next_review", nullptr}, {"problem", policy_problem}};
    entry["child_id"] = child.child_id;
    entry["name"] = display_name(child);
    if (const Date* born = date_field(child, "date_of_birth")) {
      entry["date_of_birth"] = born->to_string();
      entry["age"] = age_in_years_on(*born, today);
    }
    if (const std::string* pronouns = text_field(child, "pronouns")) entry["pronouns"] = *pronouns;
    children.push_back(std::move(entry));
  }
  // Overdue first (a review, then a visit), then the soonest due, then by name.
  const auto rank = [](const nlohmann::json& entry) {
    const auto& next = entry["next_review"];
    if (next.is_null()) return std::tuple(3, std::string(), entry["name"].get<std::string>());
    const int urgency = next["overdue"].get<bool>()                    ? 0
                        : next["pre_review_visit_overdue"].get<bool>() ? 1
                                                                       : 2;
    return std::tuple(urgency, next["due"].get<std::string>(), entry["name"].get<std::string>());
  };
  std::stable_sort(children.begin(), children.end(),
                   [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  return {{"as_of", today.to_string()}, {"children", children}};
}

}  // namespace iro::app
