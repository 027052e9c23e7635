// The audit log as sessions write it: core's device session and raw frames
// talk to the server's ServerSession over the in-memory link (real SQLite
// store, real commit queue), and the entries are read back. Also the limit
// on failed authentication per address, through whole sessions.
#include "service/audit.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "iro/store.hpp"
#include "iro/sync_session.hpp"
#include "server/loopback_sync.hpp"
#include "server/test_store.hpp"
#include "service/accounts.hpp"
#include "service/auth_throttle.hpp"
#include "service/caseload.hpp"

using namespace iro;
using namespace iro::server;
using namespace iro::test;

namespace {

using SyncRig = LoopbackCouncil;

// The server's answers to one connection that opens with `opening`, until
// the first answer that settles it (Welcome, Enrolled, Refused or Wipe).
std::vector<Message> answers_to(SyncRig& rig, Bytes opening) {
  std::vector<Message> answers;
  bool settled = false;
  rig.converse(
      std::move(opening),
      [&](std::span<const std::uint8_t> frame) {
        answers.push_back(decode_message(frame));
        settled = !std::holds_alternative<ScopeChanged>(answers.back());
        return std::vector<Bytes>{};
      },
      [&] { return settled; });
  return answers;
}

const Refused* refusal_in(const std::vector<Message>& answers) {
  for (const Message& message : answers) {
    if (const auto* refused = std::get_if<Refused>(&message)) return refused;
  }
  return nullptr;
}

std::string token_of(DeviceStore& device) {
  return device.sync_credentials()->device_token;
}

std::vector<AuditRow> entries(SyncRig& rig, std::string_view action,
                              std::string_view outcome = {}) {
  std::vector<AuditRow> found;
  for (const AuditRow& row : rig.audit()) {
    if (row.action == action && (outcome.empty() || row.outcome == outcome)) found.push_back(row);
  }
  return found;
}

std::set<std::string> children_of(const std::vector<AuditRow>& rows) {
  std::set<std::string> children;
  for (const AuditRow& row : rows) children.insert(row.child_id);
  return children;
}

// No entry holds any of the words: what devices typed stays out of the log.
void check_no_words_in_log(SyncRig& rig, std::initializer_list<const char*> words) {
  for (const AuditRow& row : rig.audit()) {
    const std::string all = row.tenant + "|" + row.actor + "|" + row.user_id + "|" + row.device_id +
                            "|" + row.remote + "|" + row.action + "|" + row.child_id + "|" +
                            row.doc_id + "|" + row.outcome + "|" + row.detail;
    for (const char* word : words) {
      CAPTURE(all);
      CHECK(all.find(word) == std::string::npos);
    }
  }
}

std::uint64_t last_seen(SyncRig& rig, const std::string& device_id) {
  std::optional<DeviceRow> device;
  rig.store->read([&](StoreTxn& txn) { device = txn.device(device_id); });
  REQUIRE(device.has_value());
  return device->last_seen_ms;
}

}  // namespace

TEST_CASE("a sync is audited: its hello, each pushed change, and the children each pull sent") {
  SyncRig rig;
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  tablet->create(Kind::visit, "C1", {{"note", std::string("Sam talked about marmalade.")}});
  tablet->create(Kind::visit, "C2", {{"note", std::string("Jo drew a lighthouse.")}});
  REQUIRE(rig.sync(*tablet).state == SyncState::done);

  const std::vector<AuditRow> enrolled = entries(rig, "enrol", "ok");
  REQUIRE(enrolled.size() == 1);
  CHECK(enrolled[0].actor == tablet->device_id());
  CHECK(enrolled[0].user_id == rig.ann);
  CHECK(enrolled[0].remote == rig.peer);

  const std::vector<AuditRow> hellos = entries(rig, "hello");
  REQUIRE(hellos.size() == 1);
  CHECK(hellos[0].outcome == "ok");
  CHECK(hellos[0].actor == tablet->device_id());
  CHECK(hellos[0].device_id == tablet->device_id());
  CHECK(hellos[0].user_id == rig.ann);
  CHECK(hellos[0].tenant == "shire");
  CHECK(hellos[0].remote == rig.peer);

  const std::vector<AuditRow> pushed = entries(rig, "push");
  REQUIRE(pushed.size() == 2);
  CHECK(children_of(pushed) == std::set<std::string>{"C1", "C2"});
  for (const AuditRow& row : pushed) {
    CHECK(row.outcome == "accepted");
    CHECK(row.detail == "visit.note");
    CHECK_FALSE(row.doc_id.empty());
  }

  // Ann's records reach her laptop: the pull names C1 and C2, never Bob's C3.
  auto laptop = rig.enrolled_device("laptop", rig.ann);
  REQUIRE(rig.sync(*laptop).state == SyncState::done);
  std::vector<AuditRow> laptop_pulls;
  for (const AuditRow& row : entries(rig, "pull")) {
    if (row.actor == laptop->device_id()) laptop_pulls.push_back(row);
  }
  CHECK(children_of(laptop_pulls) == std::set<std::string>{"C1", "C2"});
  for (const AuditRow& row : laptop_pulls) {
    CHECK(row.outcome == "ok");
    CHECK(row.user_id == rig.ann);
    CHECK(row.detail.find(" changes of 2 records, seq ") != std::string::npos);  // child + visit
  }
  CHECK(rig.audit({.child_id = "C3"}).size() == 0);  // nobody was sent C3
  check_no_words_in_log(rig, {"marmalade", "lighthouse", "Sam", "Example-"});
}

TEST_CASE("a page of changes is not sent when its audit entries cannot be saved") {
  SyncRig rig;
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  // The disk fails just as a pull's audit entries are written.
  execute_in_test_store(rig.dir / "server",
                        testing_postgres()
                            ? "CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS "
                              "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$; "
                              "CREATE TRIGGER no_pull_audit BEFORE INSERT ON audit FOR EACH ROW "
                              "WHEN (NEW.action = 'pull') EXECUTE FUNCTION disk_full()"
                            : "CREATE TRIGGER no_pull_audit BEFORE INSERT ON audit WHEN "
                              "NEW.action = 'pull' BEGIN SELECT RAISE(ABORT, 'disk full'); END");
  const SyncRun run = rig.sync(*tablet);
  CHECK(run.state == SyncState::refused);
  REQUIRE(run.refusal.has_value());
  CHECK(run.refusal->code == RefusalCode::server_error);
  CHECK(tablet->query(DocumentQuery::everything()).empty());  // not one record disclosed
}

TEST_CASE("refused hellos are audited: no token, an unknown token, another device's token") {
  SyncRig rig;
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  const std::string stranger = "01890a5d-ac96-774b-bcce-b302099a8057";

  struct Case {
    const char* attack;
    Hello hello;
    const char* reason;
  };
  const Case cases[] = {
      {"no token", Hello{stranger, "", 0, "probe"}, "no device token: enrol this device first"},
      {"an unknown token", Hello{stranger, std::string(64, 'f'), 0, "probe"},
       "this device is not enrolled (unknown token)"},
      {"a forged device id with a stolen token", Hello{stranger, token_of(*tablet), 0, "probe"},
       "the token does not belong to this device"},
  };
  for (const Case& attack : cases) {
    CAPTURE(attack.attack);
    const std::size_t before = rig.audit().size();
    const std::vector<Message> answers = answers_to(rig, encode_message(attack.hello));
    REQUIRE(refusal_in(answers) != nullptr);
    CHECK(refusal_in(answers)->code == RefusalCode::bad_token);
    CHECK(refusal_in(answers)->reason == attack.reason);

    const std::vector<AuditRow> rows = rig.audit();
    REQUIRE(rows.size() == before + 1);
    const AuditRow& row = rows.back();
    CHECK(row.action == "hello");
    CHECK(row.outcome == "refused");
    CHECK(row.actor == "unknown");
    CHECK(row.device_id == stranger);  // the id it claimed
    CHECK(row.remote == rig.peer);
    CHECK(row.detail.starts_with(attack.reason));
  }
  // The stolen token's owner is named, so an admin can revoke it.
  const AuditRow forged = rig.audit().back();
  CHECK(forged.user_id == rig.ann);
  CHECK(forged.detail.find("the token is device " + tablet->device_id() + "'s") !=
        std::string::npos);
}

TEST_CASE("a revoked device's hello is audited as refused, with the wipe it was sent") {
  SyncRig rig;
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  rig.store->write(
      [&](StoreTxn& txn) { revoke_device(txn, tablet->device_id(), false, rig.clock.now_ms()); });
  CHECK(rig.sync(*tablet).state == SyncState::wiped);
  const std::vector<AuditRow> hellos = entries(rig, "hello");
  REQUIRE(hellos.size() == 1);
  CHECK(hellos[0].outcome == "refused");
  CHECK(hellos[0].actor == tablet->device_id());
  CHECK(hellos[0].user_id == rig.ann);
  CHECK(hellos[0].detail == "device revoked: told to wipe");
}

TEST_CASE("enrolments are audited: used, reused, expired and unknown codes") {
  SyncRig rig;
  const std::string code = rig.issue_code(rig.ann);
  auto first = rig.open_device("first");
  REQUIRE_FALSE(rig.enrol(*first, code).has_value());
  auto second = rig.open_device("second");
  CHECK(rig.enrol(*second, code)->reason == "this enrolment code has already been used");
  const std::string stale = rig.issue_code(rig.bob);
  rig.clock.advance(kEnrolmentCodeLifetimeMs + 1);
  CHECK(rig.enrol(*second, stale)->reason == "this enrolment code has expired; ask for a new one");
  CHECK(rig.enrol(*second, "AAAA-BBBB-CCCC")->reason == "unknown enrolment code");

  const std::vector<AuditRow> rows = entries(rig, "enrol");
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].outcome == "ok");
  CHECK(rows[0].actor == first->device_id());
  CHECK(rows[0].user_id == rig.ann);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    CAPTURE(i);
    CHECK(rows[i].outcome == "refused");
    CHECK(rows[i].actor == "unknown");
    CHECK(rows[i].device_id == second->device_id());
  }
  CHECK(rows[1].detail == "this enrolment code has already been used");
  CHECK(rows[1].user_id == rig.ann);  // whose code it was
  CHECK(rows[2].detail == "this enrolment code has expired; ask for a new one");
  CHECK(rows[2].user_id == rig.bob);
  CHECK(rows[3].detail == "unknown enrolment code");
  CHECK(rows[3].user_id.empty());
  check_no_words_in_log(rig, {code.c_str(), stale.c_str()});
}

TEST_CASE("a first frame that is not a hello is audited as a refused connection") {
  SyncRig rig;
  const std::vector<Message> answers = answers_to(rig, encode_message(Push{}));
  REQUIRE(refusal_in(answers) != nullptr);
  CHECK(refusal_in(answers)->code == RefusalCode::malformed);
  const std::vector<AuditRow> rows = entries(rig, "connect");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].outcome == "refused");
  CHECK(rows[0].actor == "unknown");
  CHECK(rows[0].detail == "a session starts with Hello or Enrol, not Push");
  CHECK(rows[0].remote == rig.peer);
}

TEST_CASE("a child that leaves the caseload is audited when the device is told to purge it") {
  SyncRig rig;
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  rig.write_with_clock(
      [&](StoreTxn& txn, TxnClock& clock) { allocate_child(txn, "C1", rig.bob, clock); });
  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  const std::vector<AuditRow> rows = entries(rig, "scope-changed");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].child_id == "C1");
  CHECK(rows[0].actor == tablet->device_id());
  CHECK(rows[0].outcome == "ok");
}

TEST_CASE("after too many failed hellos from one address even a good device there is refused") {
  SyncRig rig;
  AuthThrottle throttle({.max_failures = 3, .window_ms = 60'000}, rig.clock);
  rig.throttle = &throttle;
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  const std::uint64_t seen = last_seen(rig, tablet->device_id());

  for (int i = 0; i < 2; ++i) {
    const auto answers =
        answers_to(rig, encode_message(Hello{tablet->device_id(), std::string(64, 'f'), 0, "x"}));
    REQUIRE(refusal_in(answers) != nullptr);
    CHECK(refusal_in(answers)->code == RefusalCode::bad_token);
  }
  // Bad codes count too: the third failure.
  auto intruder = rig.open_device("intruder");
  CHECK(rig.enrol(*intruder, "AAAA-BBBB-CCCC")->code == RefusalCode::bad_code);

  rig.clock.advance(1000);
  const SyncRun locked = rig.sync(*tablet);
  CHECK(locked.state == SyncState::refused);
  REQUIRE(locked.refusal.has_value());
  CHECK(locked.refusal->code == RefusalCode::overloaded);  // "not now": the device retries later
  CHECK(locked.refusal->reason == "too many failed attempts from this address; try again in 59 s");
  CHECK(last_seen(rig, tablet->device_id()) == seen);  // its token was not even looked at
  const std::size_t logged = rig.audit().size();
  const AuditRow first_refusal = rig.audit().back();
  CHECK(first_refusal.action == "hello");
  CHECK(first_refusal.outcome == "refused");
  CHECK(first_refusal.device_id == tablet->device_id());
  CHECK(first_refusal.detail ==
        "rate limited: 3 failed attempts from this address; too many failed attempts from this "
        "address; try again in 59 s");

  // An attacker hammering on adds nothing to the log until the lockout is over.
  for (int i = 0; i < 20; ++i) {
    const auto answers =
        answers_to(rig, encode_message(Hello{tablet->device_id(), std::string(64, 'e'), 0, "x"}));
    REQUIRE(refusal_in(answers) != nullptr);
    CHECK(refusal_in(answers)->code == RefusalCode::overloaded);
  }
  CHECK(rig.audit().size() == logged);

  // Enrolling from there is refused too (the code is not used up); another
  // address is not held up meanwhile.
  auto laptop = rig.open_device("laptop");
  CHECK(rig.enrol(*laptop, rig.issue_code(rig.ann))->code == RefusalCode::overloaded);
  rig.peer = "198.51.100.20:40000";
  auto office = rig.enrolled_device("office", rig.ann);
  CHECK(rig.sync(*office).state == SyncState::done);

  // Once the window has passed, the tablet is back, and the hammering is counted.
  rig.peer = "192.0.2.7:50001";
  rig.clock.advance(59'000);
  CHECK(rig.sync(*tablet).state == SyncState::done);
  CHECK(last_seen(rig, tablet->device_id()) == rig.clock.now_ms());
  bool summarised = false;
  for (const AuditRow& row : entries(rig, "connect")) {
    if (row.remote != "192.0.2.7") continue;
    CHECK(row.detail ==
          "rate limited: 21 more Hellos or Enrols from this address were refused while it was "
          "locked out");
    summarised = true;
  }
  CHECK(summarised);
}
