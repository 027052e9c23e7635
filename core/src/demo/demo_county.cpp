#include "iro/demo_county.hpp"

#include <array>
#include <cstdio>
#include <random>
#include <string_view>

#include "iro/holiday_calendar.hpp"
#include "iro/timescale_policy.hpp"
#include "iro/timescales.hpp"

namespace iro {
namespace {

// Common given names and surnames, combined at random: the pairs are not people.
constexpr std::array<std::string_view, 12> kGirlsNames = {"Amelia", "Isla",  "Ava",  "Mia",
                                                          "Ivy",    "Freya", "Lily", "Rosie",
                                                          "Evie",   "Poppy", "Ruby", "Maya"};
constexpr std::array<std::string_view, 12> kBoysNames = {"Oliver", "George", "Noah",   "Leo",
                                                         "Arthur", "Oscar",  "Harry",  "Jack",
                                                         "Theo",   "Alfie",  "Finley", "Reuben"};
constexpr std::array<std::string_view, 20> kLastNames = {
    "Ashdown", "Birchall", "Calloway", "Dunmore",   "Elsworth", "Fairclough", "Gosforth",
    "Hartley", "Ingleby",  "Jarrow",   "Kirkbride", "Lowther",  "Marsden",    "Netherby",
    "Oakes",   "Pennock",  "Quarry",   "Redmayne",  "Stainton", "Thackray"};
// Names a child may ask to be called instead (the case system keeps the legal one).
constexpr std::array<std::string_view, 3> kGirlsPreferred = {"Millie", "Bea", "Tilly"};
constexpr std::array<std::string_view, 3> kBoysPreferred = {"Alf", "Ollie", "Jay"};
constexpr std::array<std::string_view, 5> kLegalStatuses = {"C2", "C2", "C1", "V2", "E1"};

template <typename Array>
std::string_view pick(const Array& options, std::mt19937_64& random) {
  return options[random() % options.size()];
}

}  // namespace

std::vector<DemoChild> make_demo_children(std::size_t count, std::uint64_t seed, Date today) {
  std::mt19937_64 random(seed);
  std::vector<DemoChild> children;
  children.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    DemoChild child;
    char id[32];
    std::snprintf(id, sizeof id, "DEMO-%04zu", i + 1);
    child.child_id = id;
    const bool girl = random() % 2 == 0;
    child.first_name = girl ? pick(kGirlsNames, random) : pick(kBoysNames, random);
    child.last_name = pick(kLastNames, random);
    if (random() % 5 == 0) {
      child.preferred_name = girl ? pick(kGirlsPreferred, random) : pick(kBoysPreferred, random);
    }
    child.pronouns = random() % 12 == 0 ? "they/them" : girl ? "she/her" : "he/him";
    const int age_days = static_cast<int>(random() % (18 * 365 - 30)) + 30;
    child.date_of_birth = today.plus_days(-age_days);
    const int care_days = static_cast<int>(random() % std::min(age_days, 6 * 365));
    child.looked_after_since = today.plus_days(-care_days);
    child.legal_status = pick(kLegalStatuses, random);
    children.push_back(std::move(child));
  }
  return children;
}

std::vector<DemoReview> make_demo_reviews(const DemoChild& child, std::uint64_t seed, Date today) {
  std::mt19937_64 random(seed ^ std::hash<std::string>{}(child.child_id));
  const TimescalePolicy& statutory = timescale_policy("statutory");
  const HolidayCalendar& calendar = HolidayCalendar::england_and_wales();
  constexpr std::array<std::string_view, 3> kFormats = {"in_person", "in_person", "hybrid"};
  constexpr std::array<std::string_view, 4> kLateReasons = {
      "late_notification", "social_worker_absent", "significant_person_absent", "missing_report"};
  std::vector<HeldMeeting> held;
  std::vector<DemoReview> reviews;
  for (;;) {
    const ReviewTimescales so_far =
        review_timescales(child.looked_after_since, held, statutory, calendar);
    const Date due = so_far.next.due.due;
    const bool late = random() % 8 == 0;
    const Date date = late ? due.plus_days(static_cast<int>(random() % 14) + 1)
                           : due.plus_days(-static_cast<int>(random() % 10));
    const Date previous = held.empty() ? child.looked_after_since : held.back().date;
    if (date >= today || date <= previous) break;
    // Some reviews fell due in the last few weeks and have not happened yet:
    // the children a manager's report should show as overdue.
    const bool recently_due = due < today && today.plus_days(-45) < due;
    if (recently_due && random() % 3 == 0) break;
    DemoReview review;
    const std::string_view reason = late ? pick(kLateReasons, random) : std::string_view();
    held.push_back({date, std::string(reason)});
    const bool under_four = age_in_years_on(child.date_of_birth, date) < 4;
    review.fields = {{"date", date},
                     {"review_type", std::string(to_string(so_far.next.type))},
                     {"format", std::string(pick(kFormats, random))},
                     {"participation_code", std::string(under_four          ? "PN0"
                                                        : random() % 3 == 0 ? "PN6"
                                                                            : "PN1")},
                     {"status", std::string("finalised")}};
    if (late) review.fields.emplace("out_of_timescale_reason", std::string(reason));
    reviews.push_back(std::move(review));
  }
  return reviews;
}

FieldMap child_record_fields(const DemoChild& child) {
  FieldMap fields = {{"first_name", child.first_name},
                     {"last_name", child.last_name},
                     {"pronouns", child.pronouns},
                     {"date_of_birth", child.date_of_birth},
                     {"looked_after_since", child.looked_after_since},
                     {"legal_status", child.legal_status}};
  if (!child.preferred_name.empty()) fields.emplace("preferred_name", child.preferred_name);
  return fields;
}

std::string demo_children_csv(const std::vector<DemoChild>& children) {
  std::string csv =
      "child_id,first_name,last_name,preferred_name,pronouns,date_of_birth,looked_after_since,"
      "legal_status\n";
  for (const DemoChild& child : children) {
    csv += child.child_id + "," + child.first_name + "," + child.last_name + "," +
           child.preferred_name + "," + child.pronouns + "," + child.date_of_birth.to_string() +
           "," + child.looked_after_since.to_string() + "," + child.legal_status + "\n";
  }
  return csv;
}

}  // namespace iro
