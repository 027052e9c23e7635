#include "store/device_schema.hpp"

#include <array>
#include <string>

#include "iro/error.hpp"

namespace iro {
namespace {

// Each step moves the schema from version - 1 to version. Steps are never
// edited once released: a store in the field may be at any of them.
struct SchemaStep {
  int version;
  const char* sql;
};

constexpr std::array<SchemaStep, 2> kSteps = {{
    {1, R"sql(
      PRAGMA application_id = 1230130993;  -- 0x49524f31, "IRO1"
      -- device identity, the clock, enrolment: device_id, hlc, tenant, user_id, server, last_sync_ms
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value ANY
      ) WITHOUT ROWID;
      -- every record the device holds; contents live in field
      CREATE TABLE document (
        id TEXT PRIMARY KEY,          -- UUIDv7
        kind INTEGER NOT NULL,        -- iro::Kind
        child_id TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0,
        hlc INTEGER NOT NULL          -- latest change, local or from the server
      ) WITHOUT ROWID;
      CREATE INDEX document_by_child ON document (child_id, kind);
      -- one row per field ever set; an unset value is kept as a tombstone
      CREATE TABLE field (
        doc_id TEXT NOT NULL REFERENCES document (id),
        name TEXT NOT NULL,
        value BLOB NOT NULL,          -- iro::encode_value
        hlc INTEGER NOT NULL,
        server_seq INTEGER NOT NULL DEFAULT 0,  -- the server version last seen; 0 = none
        PRIMARY KEY (doc_id, name)
      ) WITHOUT ROWID;
      -- changes not yet acknowledged by the server; device_seq is never reused
      CREATE TABLE outbox (
        device_seq INTEGER PRIMARY KEY AUTOINCREMENT,
        doc_id TEXT NOT NULL,
        kind INTEGER NOT NULL,
        child_id TEXT NOT NULL,
        op INTEGER NOT NULL,          -- iro::ChangeOp
        field TEXT NOT NULL,          -- '' for a document delete
        value BLOB NOT NULL,
        hlc INTEGER NOT NULL,
        base INTEGER NOT NULL,
        sent INTEGER NOT NULL DEFAULT 0  -- 1 once pushed: frozen, retried unchanged
      );
      -- edits to one field coalesce into its single unsent change
      CREATE UNIQUE INDEX outbox_unsent_field ON outbox (doc_id, field) WHERE sent = 0;
    )sql"},
    {2, R"sql(
      CREATE TABLE conflict (
        doc_id TEXT NOT NULL REFERENCES document (id),
        field TEXT NOT NULL,
        device_id TEXT NOT NULL,      -- the device whose value lost
        hlc INTEGER NOT NULL,
        value BLOB NOT NULL,
        PRIMARY KEY (doc_id, field, device_id, hlc)
      ) WITHOUT ROWID;
    )sql"},
}};

bool has_tables(sqlite::Database& database) {
  return database.query_int("SELECT count(*) FROM sqlite_schema") > 0;
}

}  // namespace

int device_schema_version(sqlite::Database& database) {
  return static_cast<int>(database.query_int("PRAGMA user_version"));
}

void migrate_device_schema(sqlite::Database& database, int target) {
  const int current = device_schema_version(database);
  if (current > kDeviceSchemaVersion) {
    throw Error(ErrorCode::schema_too_new,
                "this device store has schema version " + std::to_string(current) +
                    "; this build reads up to " + std::to_string(kDeviceSchemaVersion) +
                    ": update the app");
  }
  const bool is_new = current == 0 && !has_tables(database);
  const bool is_ours =
      database.query_int("PRAGMA application_id") == kDeviceStoreApplicationId;
  if (!is_new && !is_ours) {
    throw Error(ErrorCode::storage_failure, "this file is not an iro device store");
  }
  if (current != 0 && current < kOldestUpgradableSchema) {
    throw Error(ErrorCode::unsupported_version,
                "this device store's schema version " + std::to_string(current) +
                    " is too old to upgrade");
  }
  for (const SchemaStep& step : kSteps) {
    if (step.version <= current || step.version > target) continue;
    sqlite::Transaction transaction(database);
    database.execute(step.sql);
    database.execute("PRAGMA user_version = " + std::to_string(step.version));
    transaction.commit();
  }
}

}  // namespace iro
