// What only the SQLite engine has: files made by older versions of the
// schema, upgraded when opened. (The PostgreSQL schema's history starts at
// SQLite's step 6: store/pg_schema.hpp.) Linked into the SQLite run of the
// server suite only.
#include "store/sqlite_server_store.hpp"

#include <doctest/doctest.h>

#include <string>

#include "iro/error.hpp"
#include "server/server_fixture.hpp"
#include "service/web_login.hpp"
#include "store/schema_migration.hpp"
#include "store/server_schema.hpp"
#include "store/sqlite.hpp"
#include "store/store_location.hpp"
#include "support/temp_dir.hpp"

using namespace iro;
using namespace iro::server;
using namespace iro::test;

TEST_CASE("a store made before the audit log gains it when opened, keeping its records") {
  TempDir dir;
  {
    sqlite::Database old(dir / "iro-server.db");
    migrate_server_schema(old, 1);
    old.execute("INSERT INTO tenant (name, created_ms) VALUES ('shire', 1)");
    CHECK(sqlite::schema_version(old) == 1);
  }
  auto store = open_sqlite_server_store(dir.path(), {.durable = false});
  AuditRow entry;
  entry.time_ms = 1000;
  entry.actor = "admin";
  entry.action = "add-user";
  entry.outcome = "ok";
  store->write([&](StoreTxn& txn) {
    CHECK(txn.tenant_exists("shire"));
    txn.append_audit(entry);
  });
  std::vector<AuditRow> rows;
  store->read([&](StoreTxn& txn) { rows = txn.audit_log({}); });
  CHECK(rows.size() == 1);
  sqlite::Database raw(dir / "iro-server.db");
  CHECK(sqlite::schema_version(raw) == kServerSchemaVersion);
  CHECK_THROWS_AS(raw.execute("DELETE FROM audit"), Error);
}

// What schema step 8 added, undone: a file as step 7 left it.
constexpr const char* kUndoStep8 =
    "DROP INDEX blob_by_uploader; DROP TABLE blob_holder; "
    "ALTER TABLE device DROP COLUMN session_id; ALTER TABLE device DROP COLUMN collect_started_ms; "
    "ALTER TABLE document DROP COLUMN created_seq; ALTER TABLE document DROP COLUMN created_by; ";

TEST_CASE("a store made before field rows named their owner is upgraded and pulls by caseload") {
  Council council;
  council.push(council.ann_laptop, set_field(council.new_id(), Kind::visit, "C1", "note",
                                             text("Seen at school"), council.at()));
  const auto file = council.database_file();
  council.store.reset();
  {
    // The file as schema version 4 left it: no owner column nor its index,
    // the two indexes step 6 drops, and nothing of step 7.
    sqlite::Database old(file);
    old.execute(std::string(kUndoStep8) +
                "DROP INDEX field_by_owner; ALTER TABLE field_state DROP COLUMN owner; "
                "CREATE INDEX field_by_child ON field_state (tenant, child_id); "
                "CREATE INDEX history_by_doc ON history (doc_id); "
                "DROP TABLE web_password; DROP TABLE web_session; "
                "ALTER TABLE device DROP COLUMN unsent_changes; PRAGMA user_version = 4");
  }
  council.store = open_sqlite_server_store(file.parent_path(), {.durable = false});
  CHECK(council.children_pulled(council.ann_laptop) == std::set<std::string>{"C1", "C3"});
  CHECK(council.children_pulled(council.meg_laptop) == std::set<std::string>{"C1", "C2", "C3"});
  sqlite::Database upgraded(file);
  CHECK(sqlite::schema_version(upgraded) == kServerSchemaVersion);
  CHECK(upgraded.query_int("SELECT count(*) FROM field_state WHERE child_id <> '' AND owner IS "
                           "NOT (SELECT user_id FROM allocation a WHERE a.tenant = "
                           "field_state.tenant AND a.child_id = field_state.child_id)") == 0);
  CHECK(upgraded.query_int("SELECT count(*) FROM sqlite_master WHERE name IN "
                           "('field_by_child', 'history_by_doc')") == 0);
}

TEST_CASE("a store location must name exactly one engine, and --store a PostgreSQL URL") {
  TempDir dir;
  const auto refusal = [](const StoreLocation& location) {
    try {
      open_server_store(location);
    } catch (const Error& error) {
      CHECK(error.code() == ErrorCode::invalid_input);
      return std::string(error.what());
    }
    return std::string("opened");
  };
  CHECK(refusal({}).find("give either --data DIR") != std::string::npos);
  CHECK(refusal({dir.path().string(), "postgres://iro@127.0.0.1:1/x"}).find("not both") !=
        std::string::npos);
  CHECK(refusal({"", "mysql://iro@127.0.0.1/x"}).find("takes a PostgreSQL URL") !=
        std::string::npos);
  CHECK(open_server_store({dir.path().string(), ""}) != nullptr);  // the default engine
}

TEST_CASE("a store made before the dashboard gains its sign-in tables and unsent counts") {
  Council council;
  const auto file = council.database_file();
  council.store.reset();
  {
    // The file as schema version 6 left it.
    sqlite::Database old(file);
    old.execute(std::string(kUndoStep8) +
                "DROP TABLE web_password; DROP TABLE web_session; ALTER TABLE device DROP COLUMN "
                "unsent_changes; PRAGMA user_version = 6");
  }
  council.store = open_sqlite_server_store(file.parent_path(), {.durable = false});
  sqlite::Database upgraded(file);
  CHECK(sqlite::schema_version(upgraded) == kServerSchemaVersion);
  CHECK(upgraded.query_int("SELECT count(*) FROM web_password") == 0);
  CHECK(upgraded.query_int("SELECT count(*) FROM device WHERE unsent_changes = 0") ==
        upgraded.query_int("SELECT count(*) FROM device"));
  CHECK(upgraded.query_int("SELECT count(*) FROM user WHERE id = '" + council.meg + "'") == 1);
  council.store->write([&](StoreTxn& txn) {
    set_password(txn, council.meg, "meg", "correct horse battery", 0, 1000);
  });
  CHECK(upgraded.query_int("SELECT count(*) FROM web_password") == 1);
}
