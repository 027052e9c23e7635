// The audit log in the server store: append-only even against raw SQL,
// queried by child, user, device, council and time, and added to stores made
// before it existed.
#include "store/audit_row.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "iro/error.hpp"
#include "server/server_fixture.hpp"
#include "server/test_store.hpp"
#include "service/audit.hpp"

using namespace iro;
using namespace iro::server;
using namespace iro::test;

namespace {

AuditRow entry(std::uint64_t time_ms, std::string actor, std::string action, std::string child,
               std::string user = {}, std::string tenant = "shire") {
  AuditRow row;
  row.time_ms = time_ms;
  row.tenant = std::move(tenant);
  row.actor = actor;
  row.user_id = std::move(user);
  row.device_id = actor == "admin" ? "" : actor;
  row.remote = "192.0.2.7:50000";
  row.action = std::move(action);
  row.child_id = std::move(child);
  row.outcome = "ok";
  row.detail = "test entry";
  return row;
}

std::vector<std::string> actions_of(const std::vector<AuditRow>& rows) {
  std::vector<std::string> actions;
  for (const AuditRow& row : rows) actions.push_back(row.action + ":" + row.child_id);
  return actions;
}

}  // namespace

TEST_CASE("the audit table refuses UPDATE and DELETE, even as raw SQL on the store") {
  ServerFixture fixture;
  fixture.store->write([](StoreTxn& txn) {
    txn.append_audit(entry(1000, "device-a", "pull", "C1", "ann"));
    txn.append_audit(entry(2000, "device-a", "push", "C1", "ann"));
  });
  const std::int64_t before = fixture.query_int("SELECT count(*) FROM audit");
  CHECK(before >= 2);

  const char* tampering[] = {
      "UPDATE audit SET outcome = 'ok' WHERE action = 'push'",
      "UPDATE audit SET detail = ''",
      "DELETE FROM audit WHERE action = 'pull'",
      "DELETE FROM audit",
  };
  for (const char* sql : tampering) {
    CAPTURE(sql);
    try {
      execute_in_test_store(fixture.dir / "server", sql);
      FAIL("the audit log was changed");
    } catch (const Error& error) {
      CHECK(std::string(error.what()).find("the audit log is append-only") != std::string::npos);
    }
  }
  CHECK(fixture.query_int("SELECT count(*) FROM audit") == before);
  CHECK(fixture.query_int("SELECT count(*) FROM audit WHERE detail = 'test entry'") == 2);
}

TEST_CASE("entries keep every column and come back oldest first") {
  ServerFixture fixture;
  AuditRow row = entry(1'714'550'400'123, "device-a", "push", "C1", "ann");
  row.doc_id = "0189aaaa-0000-7000-8000-000000000001";
  row.outcome = "conflict";
  row.detail = "visit.note: kept as conflict note#7";
  fixture.store->write([&](StoreTxn& txn) {
    txn.append_audit(row);
    txn.append_audit(entry(1'714'550'400'500, "unknown", "hello", "", "", ""));
  });
  const std::vector<AuditRow> rows = fixture.audit();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].id < rows[1].id);
  CHECK(rows[0].time_ms == row.time_ms);
  CHECK(rows[0].tenant == "shire");
  CHECK(rows[0].actor == "device-a");
  CHECK(rows[0].user_id == "ann");
  CHECK(rows[0].device_id == "device-a");
  CHECK(rows[0].remote == "192.0.2.7:50000");
  CHECK(rows[0].action == "push");
  CHECK(rows[0].child_id == "C1");
  CHECK(rows[0].doc_id == row.doc_id);
  CHECK(rows[0].outcome == "conflict");
  CHECK(rows[0].detail == row.detail);
  // Empty is "not known": stored as NULL, read back empty.
  CHECK(rows[1].tenant.empty());
  CHECK(rows[1].child_id.empty());
  CHECK(fixture.query_int("SELECT count(*) FROM audit WHERE tenant IS NULL AND child_id IS NULL "
                          "AND doc_id IS NULL AND user_id IS NULL") == 1);
}

TEST_CASE(
    "the audit log filters by child, user, device, council and time, and limits to the newest") {
  ServerFixture fixture;
  fixture.store->write([](StoreTxn& txn) {
    txn.append_audit(entry(1000, "device-a", "pull", "C1", "ann"));
    txn.append_audit(entry(2000, "device-a", "pull", "C2", "ann"));
    txn.append_audit(entry(3000, "device-b", "push", "C1", "bob"));
    txn.append_audit(entry(4000, "admin", "allocate", "C1", "bob"));
    txn.append_audit(entry(5000, "device-v", "pull", "V1", "val", "vale"));
  });

  CHECK(actions_of(fixture.audit({.child_id = "C1"})) ==
        std::vector<std::string>{"pull:C1", "push:C1", "allocate:C1"});
  CHECK(actions_of(fixture.audit({.user_id = "ann"})) ==
        std::vector<std::string>{"pull:C1", "pull:C2"});
  CHECK(actions_of(fixture.audit({.user_id = "bob"})) ==
        std::vector<std::string>{"push:C1", "allocate:C1"});
  CHECK(actions_of(fixture.audit({.device_id = "device-b"})) ==
        std::vector<std::string>{"push:C1"});
  CHECK(actions_of(fixture.audit({.tenant = "vale"})) == std::vector<std::string>{"pull:V1"});
  CHECK(actions_of(fixture.audit({.since_ms = 3000})) ==
        std::vector<std::string>{"push:C1", "allocate:C1", "pull:V1"});
  CHECK(actions_of(fixture.audit({.child_id = "C1", .user_id = "bob", .since_ms = 3500})) ==
        std::vector<std::string>{"allocate:C1"});
  CHECK(actions_of(fixture.audit({.limit = 2})) ==
        std::vector<std::string>{"allocate:C1", "pull:V1"});
  CHECK(fixture.audit({.child_id = "C9"}).empty());
}

TEST_CASE("an audit detail is cut at a character boundary and holds no control characters") {
  CHECK(audit_detail("child C1 is not in your caseload") == "child C1 is not in your caseload");
  CHECK(audit_detail("line one\nline two\tend") == "line one line two end");
  const std::string long_text = std::string(kMaxAuditDetailBytes - 1, 'a') + "\xC3\xA9" + "tail";
  const std::string cut = audit_detail(long_text);
  CHECK(cut == std::string(kMaxAuditDetailBytes - 1, 'a'));  // not half of the é
  CHECK(audit_detail(std::string(1000, 'x')).size() == kMaxAuditDetailBytes);
}
