// `iro timescales` run as a real process: the command-line contract's form,
// with no --db (it needs no store), and its refusals.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_device.hpp"
#include "iro/date.hpp"
#include "support/cli_checks.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using iro::test::check_refused;
using iro::test::lines_of;
using iro::test::ProcessResult;
using iro::test::run_process;
using nlohmann::json;

namespace {

ProcessResult timescales(std::vector<std::string> args) {
  args.insert(args.begin(), {IRO_CLI, "timescales"});
  return run_process(args);
}

json timescales_json(const std::vector<std::string>& args) {
  const ProcessResult result = timescales(args);
  INFO("stderr: " << result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.err.empty());
  return json::parse(result.out);
}

}  // namespace

TEST_CASE("iro timescales prints the contract's JSON without a store") {
  // Looked after Mon 8 Jan 2024: first review within 20 working days (Mon 5
  // Feb), held then; the second brought forward to 20 Mar (due 5 May); the
  // third due 6 months after that, 20 Sep, held late on Mon 23 Sep.
  const json result = timescales_json({"--looked-after", "2024-01-08", "--review", "2024-02-05",
                                       "--review", "2024-03-20", "--review",
                                       "2024-09-23:social_worker_absent", "--as-of", "2024-10-01"});
  CHECK(result["policy"] == "statutory");
  CHECK(result["first_review_due"] == "2024-02-05");
  CHECK(result["next_review_due"] == "2025-03-23");
  CHECK(result["iro_allocation_due"] == "2024-01-15");
  const json& reviews = result["reviews"];
  REQUIRE(reviews.size() == 3);
  CHECK(reviews[0]["date"] == "2024-02-05");
  CHECK(reviews[0]["due"] == "2024-02-05");
  CHECK(reviews[0]["in_timescale"] == true);  // held on its due date
  CHECK(reviews[1]["date"] == "2024-03-20");
  CHECK(reviews[1]["due"] == "2024-05-05");
  CHECK(reviews[1]["in_timescale"] == true);
  CHECK(reviews[2]["date"] == "2024-09-23");
  CHECK(reviews[2]["due"] == "2024-09-20");
  CHECK(reviews[2]["in_timescale"] == false);
  CHECK(reviews[2]["out_of_timescale_reason"] == "social_worker_absent");
  CHECK(reviews[0]["record_due"] == "2024-03-04");
  CHECK(result["next_review"]["pre_review_visit_by"] == "2025-03-17");
  CHECK(result["next_review"]["midway_tracking"] == "2024-12-20");
  CHECK(result["next_review"]["overdue"] == false);
  CHECK(result["bank_holiday_data_years"] == json::array({"2015-2030"}));
  CHECK(result.find("local_due") == result.end());

  // With no reviews, the next review is the first.
  const json fresh = timescales_json({"--looked-after", "2024-01-08"});
  CHECK(fresh["first_review_due"] == "2024-02-05");
  CHECK(fresh["next_review_due"] == "2024-02-05");
  CHECK(fresh["reviews"] == json::array());
}

TEST_CASE("a council's policy shows its local target beside the statutory date") {
  // Sat 6 Jan 2024: statutory Fri 2 Feb; Herefordshire's 28 days, Sat 3 Feb.
  const json result = timescales_json(
      {"--looked-after", "2024-01-06", "--review", "2024-02-01", "--policy", "herefordshire"});
  CHECK(result["policy"] == "herefordshire");
  CHECK(result["first_review_due"] == "2024-02-02");
  CHECK(result["first_review_local_due"] == "2024-02-03");
  CHECK(result["reviews"][0]["local_due"] == "2024-02-03");
  CHECK(result["reviews"][0]["in_local_timescale"] == true);
  // 12 weeks after 1 Feb is Thu 25 Apr; 3 months is Wed 1 May.
  CHECK(result["next_review_due"] == "2024-05-01");
  CHECK(result["next_review_local_due"] == "2024-04-25");
}

TEST_CASE("a booked date, child protection and a formal dispute in one call") {
  const json result =
      timescales_json({"--looked-after", "2024-01-08", "--review", "2024-02-05", "--scheduled",
                       "2024-04-26", "--strategy-discussion", "2024-01-08", "--conference",
                       "2024-01-25", "--dispute-raised", "2024-03-18", "--as-of", "2024-03-01"});
  CHECK(result["next_review"]["scheduled"] == "2024-04-26");
  CHECK(result["next_review"]["scheduled_in_timescale"] == true);
  CHECK(result["next_review"]["pre_review_visit_by"] == "2024-04-19");
  CHECK(result["next_review"]["consultation_out_by"] == "2024-04-12");
  CHECK(result["child_protection"]["initial_conference_due"] == "2024-01-29");
  CHECK(result["child_protection"]["next_conference_due"] == "2024-04-25");
  CHECK(result["formal_dispute"]["meeting_by"] == "2024-04-10");
  CHECK(result["formal_dispute"]["response_due"] == "2024-04-17");

  // Without a looked-after date, only what was asked for.
  const json dispute_only = timescales_json({"--dispute-raised", "2024-03-18"});
  CHECK(dispute_only.find("first_review_due") == dispute_only.end());
  CHECK(dispute_only["formal_dispute"]["response_due"] == "2024-04-17");
}

TEST_CASE("--holidays loads a newer holiday file over the built-in data") {
  iro::test::TempDir dir;
  const std::string path = (dir / "holidays.csv").string();
  {
    // 2024 as published, plus a made-up proclaimed day on Fri 2 Feb 2024.
    std::ofstream file(path);
    file << "date,name\n2024-01-01,New Year's Day\n2024-02-02,A proclaimed day\n"
            "2024-03-29,Good Friday\n2024-04-01,Easter Monday\n2024-05-06,Early May\n"
            "2024-05-27,Spring\n2024-08-26,Summer\n2024-12-25,Christmas Day\n"
            "2024-12-26,Boxing Day\n";
  }
  const json result = timescales_json({"--looked-after", "2024-01-08", "--holidays", path});
  CHECK(result["first_review_due"] == "2024-02-06");  // one more day off: a day later

  {
    std::ofstream file(path);
    file << "date,name\n2024-02-30,Not a day\n";
  }
  check_refused(timescales({"--looked-after", "2024-01-08", "--holidays", path}), 1,
                "line 2: \"2024-02-30\" is not a date");
  check_refused(timescales({"--looked-after", "2024-01-08", "--holidays", path + ".missing"}), 1,
                "--holidays: cannot read");
}

TEST_CASE("bad input is refused with one line: 1 for bad data, 2 for a malformed command") {
  check_refused(timescales({"--looked-after", "2024-01-08", "--review", "2024-01-05"}), 1,
                "review 1 on 2024-01-05 is before the child became looked after on 2024-01-08");
  check_refused(timescales({"--looked-after", "2023-02-29"}), 1,
                "--looked-after: \"2023-02-29\" is not a date (expected YYYY-MM-DD)");
  check_refused(timescales({"--looked-after", "2024-01-08", "--review", "2024-02-30"}), 1,
                "--review 1: \"2024-02-30\" is not a date");
  check_refused(timescales({"--looked-after", "2024-01-08", "--policy", "durham"}), 1,
                "unknown timescale policy \"durham\" (known: statutory, herefordshire, "
                "leicestershire, sunderland)");
  check_refused(timescales({"--looked-after", "2024-01-08", "--review", "2024-05-01", "--review",
                            "2024-02-05"}),
                1, "review 2 on 2024-02-05 is not after review 1 on 2024-05-01");
  check_refused(
      timescales({"--looked-after", "2024-01-08", "--review", "2024-02-05:calculation_error"}), 1,
      "was in timescale (due 2024-02-05)");
  check_refused(timescales({"--looked-after", "2024-01-08", "--review", "2024-02-09:forgot"}), 1,
                "unknown out-of-timescale reason \"forgot\"");
  check_refused(timescales({"--looked-after", "2024-01-08", "--review", "2024-02-09:"}), 1,
                "--review 1: nothing after ':'");

  check_refused(timescales({}), 2, "timescales needs --looked-after DATE");
  check_refused(timescales({"--review", "2024-02-05"}), 2, "--review requires --looked-after");
  check_refused(timescales({"--looked-after"}), 2, "--looked-after");
  check_refused(timescales({"--looked-after", "2024-01-08", "--reviews", "2024-02-05"}), 2,
                "--reviews");
}

namespace {

// A device store seeded with the demo caseload (no server): `iro --db FILE ...`.
struct Device : iro::test::CliDevice {
  Device() { seed_demo(); }

  json run_json(std::vector<std::string> args) {
    const ProcessResult result = run(std::move(args));
    INFO("stderr: " << result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(result.err.empty());
    return json::parse(result.out);
  }

  // The first demo child and when it became looked after.
  std::pair<std::string, iro::Date> a_child() {
    for (const json& record : run_json({"export", "--json"})) {
      if (record["kind"] != "child") continue;
      return {record["child_id"],
              *iro::Date::parse(record["fields"]["looked_after_since"].get<std::string>())};
    }
    FAIL("the demo caseload has no child");
    return {"", iro::Date::from_ymd(2000, 1, 1)};
  }
};

}  // namespace

TEST_CASE(
    "iro timescales --child computes from the records what the dates give on the command line") {
  Device device;
  const auto [child, looked_after] = device.a_child();
  // In timescale, then late (100 days is over 3 months), then in timescale.
  const std::string first = looked_after.plus_days(18).to_string();
  const std::string second = looked_after.plus_days(118).to_string();
  const std::string third = looked_after.plus_days(268).to_string();
  const std::string as_of = looked_after.plus_days(300).to_string();
  // Recorded out of order, the late one with its reason, and one not yet dated.
  device.ok({"add", "review", "--child", child, "--set", "date=" + third});
  device.ok({"add", "review", "--child", child, "--set", "date=" + second, "--set",
             "out_of_timescale_reason=missing_report"});
  device.ok({"add", "review", "--child", child, "--set", "date=" + first});
  const std::string undated = device.ok({"add", "review", "--child", child, "--set", "venue=Home"});

  json from_records = device.run_json({"timescales", "--child", child, "--as-of", as_of});
  CHECK(from_records["child_id"] == child);
  CHECK(from_records["policy"] == "statutory");  // never synced: the statutory timescales
  REQUIRE(from_records["reviews"].size() == 3);
  CHECK(from_records["record_problems"] ==
        json::parse(R"([{"review_id": ")" + undated +
                    R"(", "date": null, "problem": "no date: not counted"}])"));

  const json from_dates =
      timescales_json({"--looked-after", looked_after.to_string(), "--review", first, "--review",
                       second + ":missing_report", "--review", third, "--as-of", as_of});
  from_records.erase("child_id");
  from_records.erase("record_problems");
  CHECK(from_records == from_dates);
  CHECK(from_dates["reviews"][1]["in_timescale"] == false);

  // A device that never synced says so in its status.
  CHECK(device.run_json({"status", "--json"})["timescale_policy"] == nullptr);
}

TEST_CASE("iro timescales --child: a review booked ahead is the next one, and --as-of moves it") {
  Device device;
  const auto [child, looked_after] = device.a_child();
  const iro::Date first = looked_after.plus_days(14);
  const iro::Date booked = first.plus_days(60);
  device.ok({"add", "review", "--child", child, "--set", "date=" + first.to_string()});
  device.ok({"add", "review", "--child", child, "--set", "date=" + booked.to_string()});

  const json before =
      device.run_json({"timescales", "--child", child, "--as-of", first.plus_days(1).to_string()});
  CHECK(before["reviews"].size() == 1);
  CHECK(before["next_review"]["scheduled"] == booked.to_string());
  CHECK(before["next_review"]["scheduled_in_timescale"] == true);

  const json after =
      device.run_json({"timescales", "--child", child, "--as-of", booked.plus_days(1).to_string()});
  CHECK(after["reviews"].size() == 2);
  CHECK(after["next_review"]["scheduled"] == nullptr);
  CHECK(after["next_review"]["counted_from"] == booked.to_string());
}

TEST_CASE("iro timescales --child refuses a child the device does not hold and mixed forms") {
  Device device;
  const auto [child, looked_after] = device.a_child();
  check_refused(device.run({"timescales", "--child", "C-404"}), 1,
                "this device holds no child C-404");
  check_refused(run_process({IRO_CLI, "timescales", "--child", child}), 1,
                "this command needs --db FILE");
  check_refused(device.run({"timescales", "--child", child, "--policy", "herefordshire"}), 2,
                "--child excludes --policy");
  check_refused(device.run({"timescales", "--child", child, "--looked-after", "2024-01-08"}), 2,
                "excludes");
  check_refused(
      device.run({"timescales", "--dispute-raised", "2024-03-18", "--scheduled", "2024-04-01"}), 2,
      "--scheduled requires --looked-after or --child");
  check_refused(device.run({"timescales", "--child", child, "--scheduled",
                            looked_after.plus_days(-1).to_string()}),
                1, "is before the child became looked after");
}
