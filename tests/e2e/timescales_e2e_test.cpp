// A council's review timescales end to end, with real processes: an
// administrator sets the policy, a tablet syncs and records reviews offline,
// `iro timescales --child` shows the statutory and the council's dates, and
// the managers' report on the server agrees.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "e2e/county.hpp"
#include "iro/date.hpp"
#include "support/cli_checks.hpp"

using namespace iro::test;
using iro::Date;
using nlohmann::json;

namespace {

std::vector<json> json_lines(const ProcessResult& result) {
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  std::vector<json> parsed;
  for (const std::string& line : lines_of(result.out)) {
    if (!line.empty()) parsed.push_back(json::parse(line));
  }
  return parsed;
}

json device_json(const DeviceProcess& device, std::vector<std::string> args) {
  const ProcessResult result = device.run(std::move(args));
  INFO("stderr: " << result.err);
  REQUIRE(result.exit_code == 0);
  return json::parse(result.out);
}

json line_for(const std::vector<json>& lines, const std::string& child_id) {
  for (const json& line : lines) {
    if (line["child_id"] == child_id) return line;
  }
  FAIL("no line for ", child_id);
  return {};
}

Date looked_after_of(const DeviceProcess& device, const std::string& child_id) {
  for (const json& record : json::parse(device.export_json())) {
    if (record["kind"] == "child" && record["child_id"] == child_id) {
      return *Date::parse(record["fields"]["looked_after_since"].get<std::string>());
    }
  }
  FAIL("the device holds no child ", child_id);
  return Date::from_ymd(2000, 1, 1);
}

}  // namespace

TEST_CASE(
    "a council's policy reaches the tablet, and its reviews give the same dates there and on the "
    "server") {
  County county(4);
  ServerProcess& server = county.server();
  check_refused(server.admin({"set-policy", "--tenant", "demo-county", "--policy", "durham"}), 1,
                "unknown timescale policy \"durham\" (known: statutory, herefordshire, "
                "leicestershire, sunderland)");
  REQUIRE(server.admin({"set-policy", "--tenant", "demo-county", "--policy", "herefordshire"})
              .exit_code == 0);

  // The tablet learns the policy at its sync, then works offline.
  DeviceProcess tablet = county.enrol_device(0);
  tablet.ok({"sync"});
  CHECK(json::parse(tablet.ok({"status", "--json"}))["timescale_policy"] == "herefordshire");

  const std::string child = "DEMO-0001";  // IRO 0's
  const Date looked_after = looked_after_of(tablet, child);
  const Date first = looked_after.plus_days(18);  // within 20 working days and 28 days
  const Date second = first.plus_days(100);       // over 3 months (and 12 weeks): late
  tablet.ok({"add", "review", "--child", child, "--set", "date=" + first.to_string()});
  tablet.ok({"add", "review", "--child", child, "--set", "date=" + second.to_string(), "--set",
             "out_of_timescale_reason=social_worker_absent"});
  tablet.ok({"add", "review", "--child", child, "--set", "venue=Foster home"});  // no date yet

  // Offline, the tablet shows the statutory date and the council's beside it.
  const Date early = second.plus_days(30);  // before the third review is due
  const Date late = second.plus_days(200);  // after it
  const json on_tablet =
      device_json(tablet, {"timescales", "--child", child, "--as-of", early.to_string()});
  CHECK(on_tablet["policy"] == "herefordshire");
  CHECK(on_tablet["first_review_due"].is_string());
  CHECK(on_tablet["first_review_local_due"] == looked_after.plus_days(28).to_string());
  REQUIRE(on_tablet["reviews"].size() == 2);
  CHECK(on_tablet["reviews"][0]["in_timescale"] == true);
  CHECK(on_tablet["reviews"][0]["in_local_timescale"] == true);
  CHECK(on_tablet["reviews"][1]["in_timescale"] == false);
  CHECK(on_tablet["reviews"][1]["out_of_timescale_reason"] == "social_worker_absent");
  CHECK(on_tablet["next_review_due"] == second.plus_months_clamped(6).to_string());
  CHECK(on_tablet["next_review_local_due"] == second.plus_months_clamped(6).to_string());
  CHECK(on_tablet["next_review"]["overdue"] == false);
  REQUIRE(on_tablet["record_problems"].size() == 1);
  CHECK(on_tablet["record_problems"][0]["problem"] == "no date: not counted");

  // The same as the dates given by hand, under the same policy.
  json by_hand = json::parse(
      tablet
          .run({"timescales", "--looked-after", looked_after.to_string(), "--review",
                first.to_string(), "--review", second.to_string() + ":social_worker_absent",
                "--policy", "herefordshire", "--as-of", early.to_string()})
          .out);
  json from_records = on_tablet;
  from_records.erase("child_id");
  from_records.erase("record_problems");
  CHECK(from_records == by_hand);

  // Synced, the managers' report on the server agrees.
  tablet.ok({"sync"});
  const json line = line_for(json_lines(server.admin({"timescales", "--tenant", "demo-county",
                                                      "--as-of", early.to_string()})),
                             child);
  CHECK(line["iro_user_id"] == county.iro(0));
  CHECK(line["policy"] == "herefordshire");
  CHECK(line["first_review_due"] == on_tablet["first_review_due"]);
  CHECK(line["first_review_local_due"] == on_tablet["first_review_local_due"]);
  CHECK(line["next_review_due"] == on_tablet["next_review_due"]);
  CHECK(line["next_review_local_due"] == on_tablet["next_review_local_due"]);
  CHECK(line["overdue"] == false);
  CHECK(line["last_review"] == second.to_string());
  CHECK(line["last_review_in_timescale"] == false);
  CHECK(line["last_review_in_local_timescale"] == false);
  CHECK(line["record_problems"] == 1);

  // Later, overdue, on the tablet and in the IRO's own report.
  CHECK(device_json(tablet, {"timescales", "--child", child, "--as-of",
                             late.to_string()})["next_review"]["overdue"] == true);
  const auto mine = json_lines(
      server.admin({"timescales", "--user", county.iro(0), "--as-of", late.to_string()}));
  CHECK(line_for(mine, child)["overdue"] == true);
  for (const json& other : mine) CHECK(other["iro_user_id"] == county.iro(0));

  check_refused(server.admin({"timescales"}), 2, "timescales needs --tenant T or --user U");
  check_refused(server.admin({"timescales", "--tenant", "elsewhere"}), 1, "no tenant elsewhere");
  check_refused(server.admin({"timescales", "--tenant", "demo-county", "--as-of", "2024-02-30"}), 1,
                "--as-of: \"2024-02-30\" is not a date");

  // A child the tablet does not hold: IRO 1's.
  check_refused(tablet.run({"timescales", "--child", "DEMO-0002"}), 1,
                "this device holds no child DEMO-0002");
}
