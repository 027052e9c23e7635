// `iro-server admin` commands, run in this process on a real data
// directory: each is in the audit log (never an enrolment code or a
// person's name), and `admin audit` lists and filters the log.
#include "admin/audit_commands.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "iro/clock.hpp"
#include "iro/date.hpp"
#include "iro/error.hpp"
#include "server/admin_run.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using namespace iro;
using namespace iro::server;
using iro::test::AdminRun;
using iro::test::TempDir;
using nlohmann::json;

namespace {

// `iro-server admin --data DIR args...` as main() runs it, without a process.
AdminRun admin(const TempDir& data, std::vector<std::string> args) {
  return iro::test::run_admin(data.path(), std::move(args));
}

std::string last_line(const std::string& text) {
  const auto lines = iro::test::lines_of(text);
  return lines.empty() ? std::string() : lines.back();
}

std::vector<json> json_lines(const std::string& text) {
  std::vector<json> lines;
  for (const std::string& line : iro::test::lines_of(text)) lines.push_back(json::parse(line));
  return lines;
}

}  // namespace

TEST_CASE("every admin command that changes the store or reads records out of it is audited") {
  TempDir data;
  REQUIRE(admin(data, {"add-tenant", "shire"}).exit_code == 0);
  const std::string ann = last_line(
      admin(data, {"add-user", "--tenant", "shire", "--name", "Annabel Quist", "--role", "iro"})
          .out);
  const std::string bob = last_line(
      admin(data, {"add-user", "--tenant", "shire", "--name", "Bob Iro", "--role", "iro"}).out);
  {
    std::ofstream csv(data / "children.csv");
    csv << "child_id,first_name,last_name,date_of_birth,looked_after_since,legal_status\n"
           "C1,Zebedee,Marchbanks,2012-03-14,2020-01-06,C2\n";
  }
  REQUIRE(admin(data, {"import-children", "--tenant", "shire", (data / "children.csv").string()})
              .exit_code == 0);
  REQUIRE(admin(data, {"allocate", "--child", "C1", "--user", ann}).exit_code == 0);
  REQUIRE(admin(data, {"allocate", "--child", "C1", "--user", bob}).exit_code == 0);
  const std::string code = last_line(admin(data, {"enrol", "--user", ann}).out);
  REQUIRE(admin(data, {"set-policy", "--tenant", "shire", "--policy", "sunderland"}).exit_code ==
          0);
  REQUIRE(admin(data, {"export", "--user", bob}).exit_code == 0);
  REQUIRE(admin(data, {"quarantine", "--tenant", "shire"}).exit_code == 0);

  const AdminRun listed = admin(data, {"audit", "--json"});
  REQUIRE(listed.exit_code == 0);
  const std::vector<json> rows = json_lines(listed.out);
  std::vector<std::string> actions;
  for (const json& row : rows) {
    actions.push_back(row["action"]);
    CHECK(row["actor"] == "admin");
    CHECK(row["outcome"] == "ok");
    CHECK(row["remote"].is_null());
    CHECK(row["tenant"] == "shire");
  }
  CHECK(actions == std::vector<std::string>{"add-tenant", "add-user", "add-user", "import-children",
                                            "allocate", "allocate", "enrol-code", "set-policy",
                                            "export", "quarantine"});
  CHECK(rows[1]["user_id"] == ann);
  CHECK(rows[1]["detail"] == "user added, role iro");
  CHECK(rows[3]["detail"] == "children imported: 1 (1 new or changed); rows refused: 0");
  CHECK(rows[5]["child_id"] == "C1");
  CHECK(rows[5]["user_id"] == bob);
  CHECK(rows[5]["detail"] == "allocated to this user; it was user " + ann + "'s");
  CHECK(rows[6]["user_id"] == ann);
  CHECK(rows[6]["detail"].get<std::string>().starts_with("one-time enrolment code issued"));
  CHECK(rows[7]["detail"] == "review timescales: sunderland");
  CHECK(rows[8]["user_id"] == bob);
  CHECK(rows[8]["detail"] == "records in the user's scope exported: 1");  // C1's child record
  CHECK(rows[9]["detail"] == "refused changes listed: 0");

  for (const char* secret : {code.c_str(), "Annabel", "Quist", "Zebedee", "Marchbanks"}) {
    CAPTURE(secret);
    CHECK(listed.out.find(secret) == std::string::npos);
  }
}

TEST_CASE("a refused admin command is audited as refused, with its reason") {
  TempDir data;
  REQUIRE(admin(data, {"add-tenant", "shire"}).exit_code == 0);
  const AdminRun twice = admin(data, {"add-tenant", "shire"});
  CHECK(twice.exit_code == 1);
  const AdminRun revoke = admin(data, {"revoke", "--device", "no-such-device"});
  CHECK(revoke.exit_code == 1);

  const std::vector<json> rows = json_lines(admin(data, {"audit", "--json"}).out);
  REQUIRE(rows.size() == 3);
  CHECK(rows[1]["action"] == "add-tenant");
  CHECK(rows[1]["outcome"] == "refused");
  CHECK(rows[1]["detail"] == "tenant shire already exists");
  CHECK(rows[2]["action"] == "revoke");
  CHECK(rows[2]["outcome"] == "refused");
  CHECK(rows[2]["device_id"] == "no-such-device");
  CHECK(rows[2]["detail"] == "no device no-such-device");
}

TEST_CASE("admin audit filters by child, user and time, and prints one line per entry") {
  TempDir data;
  REQUIRE(admin(data, {"add-tenant", "shire"}).exit_code == 0);
  const std::string ann = last_line(
      admin(data, {"add-user", "--tenant", "shire", "--name", "Ann", "--role", "iro"}).out);
  {
    std::ofstream csv(data / "children.csv");
    csv << "child_id,first_name,last_name,date_of_birth,looked_after_since,legal_status\n"
           "C1,A,B,2012-03-14,2020-01-06,C2\nC2,C,D,2013-03-14,2020-01-06,C2\n";
  }
  REQUIRE(admin(data, {"import-children", "--tenant", "shire", (data / "children.csv").string()})
              .exit_code == 0);
  REQUIRE(admin(data, {"allocate", "--child", "C1", "--user", ann}).exit_code == 0);
  REQUIRE(admin(data, {"allocate", "--child", "C2", "--user", ann}).exit_code == 0);

  const AdminRun child = admin(data, {"audit", "--child", "C2"});
  REQUIRE(child.exit_code == 0);
  const auto lines = iro::test::lines_of(child.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].ends_with("  admin  allocate  C2  ok  allocated to this user"));
  CHECK(lines[0].starts_with(Date::from_unix_ms(system_clock().now_ms()).to_string() + "T"));

  CHECK(iro::test::lines_of(admin(data, {"audit", "--user", ann}).out).size() == 3);
  CHECK(iro::test::lines_of(admin(data, {"audit", "--since", "2000-01-01"}).out).size() == 5);
  CHECK(admin(data, {"audit", "--since", "2199-01-01"}).out.empty());
  CHECK(iro::test::lines_of(admin(data, {"audit", "--limit", "2"}).out).size() == 2);
  CHECK(admin(data, {"audit", "--tenant", "vale"}).out.empty());

  const AdminRun bad = admin(data, {"audit", "--since", "yesterday"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err == "--since: \"yesterday\" is not a date (YYYY-MM-DD) or an ISO 8601 time");
}

TEST_CASE("--since takes a day or an ISO 8601 time, in UTC unless it says otherwise") {
  const std::uint64_t day = 1'714'521'600'000;  // 2024-05-01T00:00:00Z
  CHECK(parse_audit_since("2024-05-01") == day);
  CHECK(parse_audit_since("2024-05-01T09:30") == day + 9 * 3'600'000 + 30 * 60'000);
  CHECK(parse_audit_since("2024-05-01T09:30:15Z") == day + 9 * 3'600'000 + 30 * 60'000 + 15'000);
  CHECK(parse_audit_since("2024-05-01T09:30:15.250Z") ==
        day + 9 * 3'600'000 + 30 * 60'000 + 15'250);
  CHECK(parse_audit_since("2024-05-01T09:30+01:00") == day + 8 * 3'600'000 + 30 * 60'000);
  CHECK(parse_audit_since("2024-05-01T09:30-05:00") == day + 14 * 3'600'000 + 30 * 60'000);
  for (const char* bad :
       {"", "yesterday", "2024-02-30", "2024-05-01 09:30", "2024-05-01T9:30", "2024-05-01T24:00",
        "2024-05-01T09:30:15.2", "2024-05-01T09:30+1", "2024-05-01T09:30Zulu", "1969-12-31"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_audit_since(bad).has_value());
  }
}

TEST_CASE("an audit line is time, actor, action, child, outcome and detail") {
  AuditRow row;
  row.time_ms = 1'714'554'000'250;
  row.actor = "0189aaaa-0000-7000-8000-00000000000a";
  row.action = "push";
  row.child_id = "C1";
  row.outcome = "refused";
  row.detail = "visit.note: the child is not in this user's caseload";
  CHECK(audit_line(row) ==
        "2024-05-01T09:00:00.250Z  0189aaaa-0000-7000-8000-00000000000a  push  C1  refused  "
        "visit.note: the child is not in this user's caseload");
  row.child_id.clear();
  CHECK(audit_line(row).find("  push  -  refused  ") != std::string::npos);

  const json line = json::parse(audit_json_line(row));
  CHECK(line["time"] == "2024-05-01T09:00:00.250Z");
  CHECK(line["child_id"].is_null());
  CHECK(line["outcome"] == "refused");
}
