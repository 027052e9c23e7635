// An attack matrix against a real iro-server on 127.0.0.1, with real
// `iro` devices and raw WebSocket probes: each attack is refused with a
// clear error and appears in `iro-server admin audit`. Also the audit's
// filters, live pages, and the limit on failed authentication per address.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "e2e/device_token.hpp"
#include "e2e/wire_probe.hpp"
#include "iro/clock.hpp"
#include "iro/date.hpp"
#include "store/sqlite.hpp"
#include "support/process.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using namespace iro;
using namespace iro::test;
using nlohmann::json;

namespace {

// Two councils on one server, set up by an administrator before it starts:
// the demo county (IROs 0-2 and a manager; DEMO-0001... allocated in turn,
// so IRO 0 holds DEMO-0001 and DEMO-0004, IRO 1 DEMO-0002 and DEMO-0005) and
// "vale" (IRO Val holds VALE-0001). `serve_flags` go to `iro-server serve`.
class TwoCouncils {
 public:
  explicit TwoCouncils(std::vector<std::string> serve_flags) {
    const auto data = m_dir / "server";
    const ProcessResult made = run_process(
        admin_command(IRO_SERVER, data, {"demo-county", "--children", "6", "--no-reviews"}));
    REQUIRE_MESSAGE(made.exit_code == 0, made.err);
    for (const std::string& line : lines_of(made.out)) {
      std::istringstream words(line);
      std::string role, id;
      words >> role >> id;
      if (role == "iro") iros.push_back(id);
    }
    REQUIRE(iros.size() == 3);
    const auto admin = [&](std::vector<std::string> args) {
      const ProcessResult result = run_process(admin_command(IRO_SERVER, data, args));
      REQUIRE_MESSAGE(result.exit_code == 0, result.err);
      return lines_of(result.out).empty() ? std::string() : lines_of(result.out).back();
    };
    admin({"add-tenant", "vale"});
    val = admin({"add-user", "--tenant", "vale", "--name", "Val Iro", "--role", "iro"});
    const auto csv = m_dir / "vale.csv";
    std::ofstream(csv) << "child_id,first_name,last_name,date_of_birth,looked_after_since,"
                          "legal_status\nVALE-0001,Morwenna,Trelawney,2014-02-02,2021-05-05,C2\n";
    admin({"import-children", "--tenant", "vale", csv.string()});
    admin({"allocate", "--child", "VALE-0001", "--user", val});
    serve_flags.insert(serve_flags.begin(), "--insecure-loopback");
    server = std::make_unique<ServerProcess>(IRO_SERVER, data, 0, serve_flags);
  }

  // A new device of the user, enrolled through the real command line.
  DeviceProcess enrol(const std::string& user) {
    DeviceProcess device = new_device();
    device.ok({"enrol", "--server", server->url(), "--code", code_for(user)});
    return device;
  }
  DeviceProcess new_device() {
    return DeviceProcess(IRO_CLI, m_dir / ("device-" + std::to_string(++m_devices) + ".db"));
  }
  std::string code_for(const std::string& user) {
    const ProcessResult code = server->admin({"enrol", "--user", user});
    REQUIRE_MESSAGE(code.exit_code == 0, code.err);
    return lines_of(code.out).back();
  }

  // `iro-server admin audit --json [filters]`, one object per entry.
  std::vector<json> audit(std::vector<std::string> filters = {}) {
    filters.insert(filters.begin(), {"audit", "--json"});
    const ProcessResult listed = server->admin(filters);
    REQUIRE_MESSAGE(listed.exit_code == 0, listed.err);
    std::vector<json> rows;
    for (const std::string& line : lines_of(listed.out)) rows.push_back(json::parse(line));
    return rows;
  }

  std::vector<std::string> iros;
  std::string val;
  std::unique_ptr<ServerProcess> server;

 private:
  TempDir m_dir;
  int m_devices = 0;
};

std::string device_id_of(const DeviceProcess& device) {
  return json::parse(device.ok({"status", "--json"}))["device_id"];
}

// The entries with this action and outcome whose detail holds `words`.
std::vector<json> matching(const std::vector<json>& rows, const std::string& action,
                           const std::string& outcome, const std::string& words = {}) {
  std::vector<json> found;
  for (const json& row : rows) {
    if (row["action"] == action && row["outcome"] == outcome &&
        row["detail"].get<std::string>().find(words) != std::string::npos) {
      found.push_back(row);
    }
  }
  return found;
}

std::string text_of(const json& value) {
  return value.is_null() ? std::string() : value.get<std::string>();
}

}  // namespace

TEST_CASE("the attack matrix: each attack is refused with a clear error and is in admin audit") {
  TwoCouncils councils({"--auth-failures-per-minute", "0"});  // many failures from 127.0.0.1
  ServerProcess& server = *councils.server;
  DeviceProcess alex = councils.enrol(councils.iros[0]);
  DeviceProcess sam = councils.enrol(councils.iros[1]);
  const std::string alex_id = device_id_of(alex);
  const std::string sam_id = device_id_of(sam);
  alex.ok({"note", "add", "--child", "DEMO-0001", "--text", "alex wrote about cobalt kites"});
  sam.ok({"note", "add", "--child", "DEMO-0002", "--text", "sam wrote about saffron boats"});
  alex.ok({"sync"});
  sam.ok({"sync"});

  // No token.
  const ProbeReply no_token =
      probe_server(server.port(), {{encode_message(Hello{alex_id, "", 0, "probe"})}});
  REQUIRE(refusal_in(no_token) != nullptr);
  CHECK(refusal_in(no_token)->code == RefusalCode::bad_token);
  CHECK(refusal_in(no_token)->reason == "no device token: enrol this device first");

  // A wrong token, on a real device.
  DeviceProcess mallory = councils.enrol(councils.iros[0]);
  {
    sqlite::Database raw(mallory.db());
    raw.execute("UPDATE meta SET value = '" + std::string(64, '0') +
                "' WHERE key = 'device_token'");
  }
  const ProcessResult wrong = mallory.run({"sync"});
  CHECK(wrong.exit_code == 1);
  CHECK(wrong.err.find("this device is not enrolled (unknown token)") != std::string::npos);

  // A revoked device: refused, told to wipe, and wiped.
  DeviceProcess lost = councils.enrol(councils.iros[0]);
  lost.ok({"sync"});
  const std::string lost_id = device_id_of(lost);
  REQUIRE(server.admin({"revoke", "--device", lost_id}).exit_code == 0);
  const ProcessResult wiped = lost.run({"sync"});
  CHECK(wiped.exit_code == 3);
  CHECK(wiped.err.find("this device was revoked") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(lost.db()));

  // An expired enrolment code, and a reused one.
  const std::string stale = councils.code_for(councils.iros[2]);
  {
    execute_in_test_store(councils.server->data_dir(),
                          "UPDATE enrolment SET expires_ms = 1 WHERE used_ms IS NULL");
  }
  DeviceProcess late = councils.new_device();
  const ProcessResult expired = late.run({"enrol", "--server", server.url(), "--code", stale});
  CHECK(expired.exit_code == 1);
  CHECK(expired.err.find("this enrolment code has expired; ask for a new one") !=
        std::string::npos);
  const std::string once = councils.code_for(councils.iros[2]);
  councils.new_device().ok({"enrol", "--server", server.url(), "--code", once});
  const ProcessResult reused = late.run({"enrol", "--server", server.url(), "--code", once});
  CHECK(reused.exit_code == 1);
  CHECK(reused.err.find("this enrolment code has already been used") != std::string::npos);

  // Another IRO's child and another council's child: written on a real
  // device, refused by the server, kept on the device's rejected list.
  alex.ok({"note", "add", "--child", "DEMO-0002", "--text", "peeking at sam's child"});
  alex.ok({"note", "add", "--child", "VALE-0001", "--text", "peeking at vale's child"});
  alex.ok({"sync"});
  std::set<std::string> reasons;
  for (const std::string& line : lines_of(alex.run({"rejected"}).out)) {
    reasons.insert(json::parse(line)["reason"].get<std::string>());
  }
  CHECK(reasons == std::set<std::string>{"child DEMO-0002 is not in your caseload",
                                         "child VALE-0001 is not in your caseload"});

  // Another council's record, named in a raw Push.
  const json vale_records = json::parse(server.admin({"export", "--user", councils.val}).out);
  REQUIRE(vale_records.size() == 1);
  const std::string vale_record = vale_records[0]["id"];
  Change theirs;
  theirs.doc_id = vale_record;
  theirs.kind = Kind::visit;
  theirs.child_id = "DEMO-0001";
  theirs.field = "note";
  theirs.value = std::string("over another council's record");
  theirs.hlc = Hlc::from_parts(system_clock().now_ms(), 0);
  theirs.device_seq = 900;
  const ProbeReply pushed =
      probe_server(server.port(),
                   {{encode_message(Hello{alex_id, token_of(alex), 0, "probe"})},
                    {encode_message(Push{{theirs}})}},
                   std::chrono::milliseconds(1500));
  const PushAck* ack = nullptr;
  for (const Message& message : pushed.messages) {
    if (const auto* found = std::get_if<PushAck>(&message)) ack = found;
  }
  REQUIRE(ack != nullptr);
  REQUIRE(ack->results.size() == 1);
  CHECK(ack->results[0].outcome == PushOutcome::refused);
  CHECK(ack->results[0].reason ==
        "record id " + vale_record + " is already in use; the record was not saved");

  // A forged device id: alex's token presented as sam's device. (A Push
  // carries no device id at all: the session's device is the author.)
  const ProbeReply forged =
      probe_server(server.port(), {{encode_message(Hello{sam_id, token_of(alex), 0, "probe"})}});
  REQUIRE(refusal_in(forged) != nullptr);
  CHECK(refusal_in(forged)->code == RefusalCode::bad_token);
  CHECK(refusal_in(forged)->reason == "the token does not belong to this device");

  // A protocol from the future.
  Bytes future = encode_message(Hello{alex_id, token_of(alex), 0, "from the future"});
  future[0] = 9;
  REQUIRE(refusal_in(probe_server(server.port(), {{future}})) != nullptr);

  // Reads: alex never received sam's child or vale's, and the log says so.
  sam.ok({"sync"});
  alex.ok({"sync"});
  const std::string alex_view = alex.export_json();
  CHECK(alex_view.find("DEMO-0002") == std::string::npos);
  CHECK(alex_view.find("VALE-0001") == std::string::npos);
  CHECK(alex_view.find("saffron") == std::string::npos);

  const std::vector<json> log = councils.audit();
  const auto one = [&](const std::string& action, const std::string& outcome,
                       const std::string& words) {
    const std::vector<json> found = matching(log, action, outcome, words);
    CHECK_MESSAGE(found.size() == 1, action << " " << outcome << " " << words);
    return found.empty() ? json::object() : found.front();
  };
  CHECK(one("hello", "refused", "no device token")["device_id"] == alex_id);
  CHECK(one("hello", "refused", "unknown token")["device_id"] == device_id_of(mallory));
  const json revoked = one("hello", "refused", "device revoked: told to wipe");
  CHECK(revoked["actor"] == lost_id);
  CHECK(revoked["user_id"] == councils.iros[0]);
  CHECK(one("revoke", "ok", "revoked")["device_id"] == lost_id);
  CHECK(one("enrol", "refused", "has expired")["user_id"] == councils.iros[2]);
  CHECK(one("enrol", "refused", "already been used")["user_id"] == councils.iros[2]);
  // One entry per change: `iro note add` sets the note and the date.
  const std::vector<json> other_iro =
      matching(log, "push", "refused", "the child is not in this user's caseload");
  CHECK(other_iro.size() == 2);
  for (const json& row : other_iro) {
    CHECK(row["actor"] == alex_id);
    CHECK(row["child_id"] == "DEMO-0002");
  }
  CHECK(matching(log, "push", "refused", "visit.note: the child is not in this user's caseload")
            .size() == 1);
  const std::vector<json> other_council =
      matching(log, "push", "refused", "no such child in this council");
  CHECK(other_council.size() == 2);
  for (const json& row : other_council) CHECK(row["child_id"] == "VALE-0001");
  const json other_record = one("push", "refused", "the record id is another council's record");
  CHECK(other_record["doc_id"] == vale_record);
  CHECK(other_record["actor"] == alex_id);  // the author is the authenticated device
  const json forgery = one("hello", "refused", "the token does not belong to this device");
  CHECK(forgery["device_id"] == sam_id);  // the id it claimed
  CHECK(text_of(forgery["detail"]).find("the token is device " + alex_id + "'s") !=
        std::string::npos);
  CHECK(one("connect", "refused", "protocol version 9 is not supported")["actor"] == "unknown");
  for (const json& row : log) {
    if (row["actor"] != "admin" && row["actor"] != "unknown") {
      CHECK(text_of(row["remote"]).starts_with("127.0.0.1:"));
    }
  }

  // Every pull alex's devices received, by child: only alex's own children.
  std::set<std::string> alex_children;
  for (const json& row : councils.audit({"--user", councils.iros[0]})) {
    if (row["action"] == "pull") alex_children.insert(row["child_id"].get<std::string>());
  }
  CHECK(alex_children == std::set<std::string>{"DEMO-0001", "DEMO-0004"});
  for (const json& row : councils.audit({"--child", "DEMO-0002"})) {
    if (row["action"] == "pull") CHECK(row["device_id"] == sam_id);
  }

  // None of the words anyone typed is in the log.
  const std::string all = server.admin({"audit", "--json"}).out;
  for (const char* words : {"cobalt", "saffron", "peeking", "over another", "Morwenna", "Trelawney",
                            stale.c_str(), once.c_str()}) {
    CAPTURE(words);
    CHECK(all.find(words) == std::string::npos);
  }
}

TEST_CASE("admin audit lists pulls live and asked for, and filters by child, user and time") {
  TwoCouncils councils({});
  ServerProcess& server = *councils.server;
  DeviceProcess watcher = councils.enrol(councils.iros[0]);
  DeviceProcess writer = councils.enrol(councils.iros[0]);
  watcher.ok({"sync"});
  writer.ok({"sync"});
  BackgroundProcess follow({IRO_CLI, "--db", watcher.db().string(), "sync", "--follow", "20"});
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // caught up and live
  const std::string id =
      writer.ok({"note", "add", "--child", "DEMO-0004", "--text", "arrived by itself"});
  writer.ok({"sync"});
  bool arrived = false;
  for (int tries = 0; tries < 100 && !arrived; ++tries) {
    arrived = watcher.run({"show", id}).exit_code == 0;
    if (!arrived) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(arrived);

  const std::string watcher_id = device_id_of(watcher);
  const std::vector<json> live = councils.audit({"--device", watcher_id, "--child", "DEMO-0004"});
  const std::vector<json> live_pulls = matching(live, "pull", "ok", ", live");
  REQUIRE_FALSE(live_pulls.empty());
  CHECK(text_of(live_pulls[0]["detail"]).find(" of 1 record, seq ") != std::string::npos);

  // The plain form: one line per entry.
  const ProcessResult lines = server.admin({"audit", "--child", "DEMO-0001"});
  REQUIRE(lines.exit_code == 0);
  REQUIRE_FALSE(lines_of(lines.out).empty());
  for (const std::string& line : lines_of(lines.out)) {
    CAPTURE(line);
    CHECK(line.find("  DEMO-0001  ") != std::string::npos);
  }
  CHECK(lines.out.find("  " + watcher_id + "  pull  DEMO-0001  ok  ") != std::string::npos);

  for (const json& row : councils.audit({"--user", councils.iros[0]})) {
    CHECK(row["user_id"] == councils.iros[0]);
  }
  const std::string today = Date::from_unix_ms(system_clock().now_ms()).to_string();
  CHECK(councils.audit({"--since", today}).size() == councils.audit().size());
  CHECK(councils.audit({"--since", "2199-01-01"}).empty());
  CHECK(councils.audit({"--tenant", "vale"}).size() ==
        4);  // add-tenant, add-user, import, allocate
  const ProcessResult bad = server.admin({"audit", "--since", "last week"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("--since: \"last week\" is not a date") != std::string::npos);
}

TEST_CASE("after 5 failed attempts in a minute an address is refused, then told when to return") {
  TwoCouncils councils({});  // the default limit
  ServerProcess& server = *councils.server;
  DeviceProcess alex = councils.enrol(councils.iros[0]);
  alex.ok({"sync"});
  const std::string alex_id = device_id_of(alex);
  for (int i = 0; i < 5; ++i) {
    const ProbeReply reply = probe_server(
        server.port(), {{encode_message(Hello{alex_id, std::string(64, 'f'), 0, "guess"})}});
    REQUIRE(refusal_in(reply) != nullptr);
    CHECK(refusal_in(reply)->code == RefusalCode::bad_token);
  }
  // Now even the good device at this address is turned away at once.
  const ProcessResult locked = alex.run({"sync", "--attempts", "1"});
  CHECK(locked.exit_code != 0);
  CHECK(locked.err.find("too many failed attempts from this address; try again in ") !=
        std::string::npos);
  const ProbeReply enrol = probe_server(
      server.port(), {{encode_message(Enrol{"AAAA-BBBB-CCCC", alex_id, "another try"})}});
  REQUIRE(refusal_in(enrol) != nullptr);
  CHECK(refusal_in(enrol)->code == RefusalCode::overloaded);
  CHECK(refusal_in(enrol)->reason.starts_with("too many failed attempts from this address"));

  const std::vector<json> log = councils.audit({"--device", alex_id});
  CHECK(matching(log, "hello", "refused", "unknown token").size() == 5);
  const std::vector<json> limited = matching(log, "hello", "refused", "rate limited: 5 failed");
  REQUIRE(limited.size() == 1);  // the enrol attempt after it is only counted
  CHECK(text_of(limited[0]["remote"]).starts_with("127.0.0.1:"));
  CHECK(matching(log, "enrol", "refused").empty());
}
