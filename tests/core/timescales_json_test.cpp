#include "iro/timescales_json.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>
#include "support/test_dates.hpp"

using iro::Date;
using nlohmann::ordered_json;

namespace {

using iro::test::day;

const iro::HolidayCalendar& json_test_calendar() {
  return iro::HolidayCalendar::england_and_wales();
}

}  // namespace

TEST_CASE("review timescales as JSON: the contract's keys first, local keys only for a council") {
  const std::vector<iro::HeldMeeting> reviews = {{day("2024-02-05"), ""},
                                                 {day("2024-05-10"), "late_notification"}};
  const auto statutory = iro::review_timescales(
      day("2024-01-08"), reviews, iro::timescale_policy("statutory"), json_test_calendar());
  const ordered_json json = iro::review_timescales_json(statutory, day("2024-07-01"));

  CHECK(json["first_review_due"] == "2024-02-05");
  CHECK(json["next_review_due"] == "2024-11-10");
  CHECK(json["iro_allocation_due"] == "2024-01-15");
  REQUIRE(json["reviews"].size() == 2);
  CHECK(json["reviews"][0]["date"] == "2024-02-05");
  CHECK(json["reviews"][0]["due"] == "2024-02-05");
  CHECK(json["reviews"][0]["in_timescale"] == true);
  CHECK(json["reviews"][0]["out_of_timescale_reason"] == nullptr);
  CHECK(json["reviews"][1]["in_timescale"] == false);
  CHECK(json["reviews"][1]["days_late"] == 5);
  CHECK(json["reviews"][1]["out_of_timescale_reason"] == "late_notification");
  CHECK(json["reviews"][1]["type"] == "second");
  CHECK(json["next_review"]["overdue"] == false);
  CHECK(json["next_review"]["scheduled"] == nullptr);
  CHECK(json["as_of"] == "2024-07-01");
  // The statutory policy has no local target, so no local keys at all.
  const std::string text = json.dump();
  CHECK(text.find("local") == std::string::npos);
  // The contract's keys lead, in this order, for a person reading it.
  std::vector<std::string> keys;
  for (const auto& item : json.items()) keys.push_back(item.key());
  CHECK(keys == std::vector<std::string>{"policy", "looked_after", "iro_allocation_due",
                                         "first_review_due", "next_review_due", "next_review",
                                         "reviews", "as_of"});

  const auto council = iro::review_timescales(
      day("2024-01-06"), {}, iro::timescale_policy("herefordshire"), json_test_calendar());
  const ordered_json local = iro::review_timescales_json(council, day("2024-02-05"));
  CHECK(local["first_review_due"] == "2024-02-02");
  CHECK(local["first_review_local_due"] == "2024-02-03");
  CHECK(local["next_review_local_due"] == "2024-02-03");
  CHECK(local["next_review"]["local_interval"] == "28 days");
  CHECK(local["next_review"]["overdue"] == true);  // 5 Feb is after 2 Feb
}

TEST_CASE("child protection and dispute timescales as JSON") {
  const std::vector<iro::HeldMeeting> conferences = {{day("2024-01-25"), ""}};
  const ordered_json cp = iro::child_protection_json(
      iro::child_protection_timescales(day("2024-01-08"), conferences, json_test_calendar()),
      day("2024-03-01"));
  CHECK(cp["initial_conference_due"] == "2024-01-29");
  CHECK(cp["next_conference_due"] == "2024-04-25");
  CHECK(cp["conferences"][0]["type"] == "initial");
  CHECK(cp["next_conference"]["type"] == "review");

  const ordered_json dispute = iro::formal_dispute_json(
      iro::formal_dispute_timescales(day("2024-03-18"), json_test_calendar()));
  CHECK(dispute.dump() ==
        R"({"raised":"2024-03-18","meeting_by":"2024-04-10","response_due":"2024-04-17"})");
}

TEST_CASE("the years from data are listed as ranges") {
  CHECK(iro::holiday_data_years_json(json_test_calendar()) == ordered_json::array({"2015-2030"}));
  std::string csv = "date,name\n";
  for (const auto& holiday : iro::bank_holidays_by_rule(2035)) {
    csv += holiday.date.to_string() + "," + holiday.name + "\n";
  }
  CHECK(iro::holiday_data_years_json(json_test_calendar().updated_with_csv(csv, "2035.csv")) ==
        ordered_json::array({"2015-2030", "2035"}));
  CHECK(iro::holiday_data_years_json(iro::HolidayCalendar::by_rule()).empty());
}
