// The `iro` command line, run as a real process against a real store file.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "cli/cli_device.hpp"
#include "iro/clock.hpp"
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

struct Cli : iro::test::CliDevice {
  json export_json() { return json::parse(run({"export", "--json"}).out); }
};

}  // namespace

TEST_CASE("note add records a visit note and prints its id last and note edit changes it") {
  Cli cli;
  const std::string id = cli.ok({"note", "add", "--child", "DEMO-0001", "--text", "Met at school",
                                 "--date", "2024-05-01", "--seen-alone", "yes"});
  CHECK(id.size() == 36);
  cli.ok({"note", "edit", id, "--text", "Met at school; she was happy"});

  const json exported = cli.export_json();
  REQUIRE(exported.size() == 1);
  CHECK(exported[0]["id"] == id);
  CHECK(exported[0]["kind"] == "visit");
  CHECK(exported[0]["child_id"] == "DEMO-0001");
  CHECK(exported[0]["deleted"] == false);
  CHECK(exported[0]["fields"] == json({{"date", "2024-05-01"},
                                       {"note", "Met at school; she was happy"},
                                       {"seen_alone", true}}));
  // Nothing device-local in the export.
  CHECK(exported[0].size() == 5);
}

TEST_CASE("list and show display what the device holds") {
  Cli cli;
  const std::string id = cli.ok({"note", "add", "--child", "DEMO-0002", "--text", "Football"});
  const ProcessResult listing = cli.run({"list", "--child", "DEMO-0002"});
  CHECK(listing.exit_code == 0);
  CHECK(listing.out == id + "  visit  DEMO-0002  Football\n");
  CHECK(cli.run({"list", "--child", "DEMO-0003"}).out.empty());

  const json shown = json::parse(cli.run({"show", id}).out);
  CHECK(shown["fields"]["note"] == "Football");
  check_refused(cli.run({"show", "01890a5d-ac96-774b-bcce-b302099a8057"}), 1, "no document");
}

TEST_CASE("export prints every record sorted by id, identically each time") {
  Cli cli;
  for (int i = 0; i < 5; ++i) {
    cli.ok(
        {"note", "add", "--child", "C" + std::to_string(i), "--text", "note " + std::to_string(i)});
  }
  const std::string first = cli.run({"export", "--json"}).out;
  CHECK(first == cli.run({"export", "--json"}).out);
  const json exported = json::parse(first);
  REQUIRE(exported.size() == 5);
  for (std::size_t i = 1; i < exported.size(); ++i) {
    CHECK(exported[i - 1]["id"].get<std::string>() < exported[i]["id"].get<std::string>());
  }
}

TEST_CASE("status --json reports the device, its pending changes and its sync state") {
  Cli cli;
  cli.ok({"note", "add", "--child", "C1", "--text", "one", "--date", "2024-05-01"});
  const json status = json::parse(cli.run({"status", "--json"}).out);
  CHECK(status["device_id"].get<std::string>().size() == 36);
  CHECK(status["pending_changes"] == 2);
  CHECK(status["user_id"].is_null());
  CHECK(status["server"].is_null());
  CHECK(status["last_sync"].is_null());
  CHECK(status["lease_expires"].is_null());  // a store without a key has no lease
  CHECK(status["locked"] == false);
}

TEST_CASE("generic add and edit validate fields, and refusals keep the saved record") {
  Cli cli;
  const std::string id =
      cli.ok({"add", "review", "--child", "C1", "--set", "date=2024-06-01", "--set",
              "participation_code=PN1", "--set", "attendees=carer, teacher"});
  check_refused(cli.run({"edit", id, "--set", "date=2024-02-30"}), 1,
                "review.date: \"2024-02-30\" is not a date (expected YYYY-MM-DD)");
  check_refused(cli.run({"edit", id, "--set", "participation_code=PN9"}), 1,
                "review.participation_code: \"PN9\" is not one of PN0");
  check_refused(cli.run({"edit", id, "--set", "mood=happy"}), 1, "review has no field \"mood\"");
  check_refused(cli.run({"edit", id, "--set", "venue"}), 1, "\"venue\" is not FIELD=VALUE");
  check_refused(cli.run({"add", "child", "--child", "C1", "--set", "first_name=A"}), 1,
                "child records come from the server");
  check_refused(cli.run({"add", "spaceship", "--child", "C1"}), 1,
                "\"spaceship\" is not a record kind");

  const json exported = cli.export_json();
  REQUIRE(exported.size() == 1);
  CHECK(exported[0]["fields"]["date"] == "2024-06-01");
  CHECK(exported[0]["fields"]["participation_code"] == "PN1");
  CHECK(exported[0]["fields"]["attendees"] == json({"carer", "teacher"}));
}

TEST_CASE("participation codes are checked against the age of a child the device holds") {
  Cli cli;
  // The demo caseload's children are synthetic; pick one under 4 and one over
  // on a review date a month from now.
  const ProcessResult seeded = cli.run({"demo", "seed", "--children", "60", "--seed", "3"});
  REQUIRE(seeded.exit_code == 0);
  const iro::Date review_date = iro::Date::from_unix_ms(iro::system_clock().now_ms()).plus_days(30);
  std::string toddler, older;
  for (const json& child : cli.export_json()) {
    if (child["kind"] != "child") continue;  // the seed's form templates
    const auto born = iro::Date::parse(child["fields"]["date_of_birth"].get<std::string>());
    REQUIRE(born.has_value());
    const int age = iro::age_in_years_on(*born, review_date);
    if (age < 4 && toddler.empty()) toddler = child["child_id"];
    if (age >= 4 && older.empty()) older = child["child_id"];
  }
  REQUIRE_FALSE(toddler.empty());
  REQUIRE_FALSE(older.empty());
  const std::string date = "date=" + review_date.to_string();

  check_refused(cli.run({"add", "review", "--child", toddler, "--set", date, "--set",
                         "participation_code=PN1"}),
                1, "(under 4s are PN0)");
  check_refused(cli.run({"add", "review", "--child", older, "--set", date, "--set",
                         "participation_code=PN0"}),
                1, "PN0 is only for a child under 4");
  cli.ok({"add", "review", "--child", older, "--set", date, "--set", "participation_code=PN6"});
}

TEST_CASE("malformed command lines exit 2 with one line and a missing --db is explained") {
  Cli cli;
  check_refused(run_process({IRO_CLI, "--db", cli.db, "teleport"}), 2, "iro:");
  check_refused(run_process({IRO_CLI, "--db", cli.db, "note", "add", "--child", "C1"}), 2,
                "--text is required");
  check_refused(run_process({IRO_CLI, "list"}), 1, "this command needs --db FILE");
  check_refused(cli.run({"note", "add", "--child", "C 1", "--text", "x"}), 1, "is not a child id");
  check_refused(cli.run({"note", "edit", "01890a5d-ac96-774b-bcce-b302099a8057", "--text", "x"}), 1,
                "no document");
}

TEST_CASE("a letter, once issued, refuses edits through the command line") {
  Cli cli;
  const std::string id = cli.ok({"add", "letter", "--child", "C1", "--set", "body=Dear Ava"});
  cli.ok({"edit", id, "--set", "approved_by=Meg", "--set", "status=issued"});
  check_refused(cli.run({"edit", id, "--set", "body=Dear Ava,"}), 1, "is issued and cannot change");
}
