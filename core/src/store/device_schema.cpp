#include "store/device_schema.hpp"

#include <array>

#include "store/schema_migration.hpp"

namespace iro {
namespace {

using sqlite::SchemaStep;

constexpr std::array<SchemaStep, 6> kSteps = {{
    {1, R"sql(
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
        value BLOB NOT NULL,          -- iro::encode_value (sealed from v5: see step 5)
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
    {3, R"sql(
      -- when a change was first pushed: an outbox unacknowledged for an hour is stuck
      ALTER TABLE outbox ADD COLUMN first_sent_ms INTEGER;
      -- changes the server refused, with its reason: kept so no typed word is lost
      CREATE TABLE rejected (
        device_seq INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL,
        kind INTEGER NOT NULL,
        child_id TEXT NOT NULL,
        op INTEGER NOT NULL,
        field TEXT NOT NULL,
        value BLOB NOT NULL,
        hlc INTEGER NOT NULL,
        base INTEGER NOT NULL,
        reason TEXT NOT NULL,
        rejected_ms INTEGER NOT NULL
      );
    )sql"},
    {4, R"sql(
      -- conflicts as the server records them: one per slot "<field>#<n>"
      -- (version 2's table was never filled: no release wrote conflicts)
      DROP TABLE conflict;
      CREATE TABLE conflict (
        doc_id TEXT NOT NULL REFERENCES document (id),
        slot TEXT NOT NULL,
        field TEXT NOT NULL,
        device_id TEXT NOT NULL,      -- the device whose words lost
        hlc INTEGER NOT NULL,         -- when they were typed
        value BLOB NOT NULL,
        server_seq INTEGER NOT NULL,
        PRIMARY KEY (doc_id, slot)
      ) WITHOUT ROWID;
    )sql"},
    {5, R"sql(
      -- Record contents may be encrypted (store_key.hpp, value_codec.hpp): an
      -- encrypted store keeps its format, salt and key check in meta, and seals
      -- field.value, outbox.value, conflict.value, rejected.value,
      -- rejected.reason and meta's device_token. No table changes shape; the
      -- version moves so that a build from before encryption refuses every
      -- store from now on (schema_too_new) rather than reading sealed bytes as
      -- values or writing plaintext into an encrypted store. document, and the
      -- ids, kinds, child ids and field names in every table, stay plaintext:
      -- the store looks rows up by them.
      SELECT 1;
    )sql"},
    {6, R"sql(
      -- Attachments (iro/blob.hpp): blobs named by SHA-256, kept in chunks so
      -- a cut download resumes and a large drawing is never one huge row.
      -- state: 1 local (made here; the server may not have it yet),
      --        2 held (whole here, and the server has it),
      --        3 wanted (a record points at it; fetching from the server),
      --        4 failed (the server refused it; reason says why).
      CREATE TABLE blob (
        hash TEXT PRIMARY KEY,
        size INTEGER NOT NULL,       -- 0 for a wanted blob not yet started
        received INTEGER NOT NULL,   -- bytes held, from offset 0
        state INTEGER NOT NULL,
        reason TEXT
      );
      -- data is sealed like field values in an encrypted store (value_codec.hpp).
      CREATE TABLE blob_chunk (
        hash TEXT NOT NULL,
        offset INTEGER NOT NULL,
        length INTEGER NOT NULL,     -- the chunk's plain bytes
        data BLOB NOT NULL,
        PRIMARY KEY (hash, offset)
      );
    )sql"},
}};

}  // namespace

int device_schema_version(sqlite::Database& database) {
  return sqlite::schema_version(database);
}

void migrate_device_schema(sqlite::Database& database, int target) {
  sqlite::migrate(database, {kSteps, kDeviceStoreApplicationId, "device store"}, target);
}

}  // namespace iro
