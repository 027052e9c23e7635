#include "store/server_schema.hpp"

#include <array>

#include "store/schema_migration.hpp"

namespace iro::server {
namespace {

constexpr std::array<sqlite::SchemaStep, 1> kSteps = {{
    {1, R"sql(
      -- last_seq: the newest server sequence number; hlc: the newest server HLC
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value ANY
      ) WITHOUT ROWID;
      -- timescale_policy: the review timescales the council works to, a
      -- TimescalePolicy name (core/include/iro/timescale_policy.hpp)
      CREATE TABLE tenant (
        name TEXT PRIMARY KEY,
        created_ms INTEGER NOT NULL,
        timescale_policy TEXT NOT NULL DEFAULT 'statutory'
      ) WITHOUT ROWID;
      CREATE TABLE user (
        id TEXT PRIMARY KEY,
        tenant TEXT NOT NULL REFERENCES tenant (name),
        name TEXT NOT NULL,
        role INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE device (
        id TEXT PRIMARY KEY,
        tenant TEXT NOT NULL,
        user_id TEXT NOT NULL REFERENCES user (id),
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,   -- SHA-256 of the token; never the token
        enrolled_ms INTEGER NOT NULL,
        revoked_ms INTEGER,
        collect_first INTEGER NOT NULL DEFAULT 0,
        last_seen_ms INTEGER NOT NULL,
        last_cursor INTEGER NOT NULL DEFAULT 0  -- presented at its last Hello
      ) WITHOUT ROWID;
      CREATE INDEX device_by_user ON device (user_id);
      CREATE TABLE enrolment (
        code_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES user (id),
        tenant TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL,
        used_ms INTEGER
      ) WITHOUT ROWID;
      CREATE TABLE allocation (
        tenant TEXT NOT NULL,
        child_id TEXT NOT NULL,
        user_id TEXT NOT NULL REFERENCES user (id),
        seq INTEGER NOT NULL,
        PRIMARY KEY (tenant, child_id)
      ) WITHOUT ROWID;
      CREATE INDEX allocation_by_user ON allocation (tenant, user_id);
      CREATE TABLE scope_removal (
        tenant TEXT NOT NULL,
        user_id TEXT NOT NULL,
        child_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        removed_ms INTEGER NOT NULL,
        PRIMARY KEY (tenant, user_id, child_id)
      ) WITHOUT ROWID;
      CREATE TABLE document (
        id TEXT PRIMARY KEY,
        tenant TEXT NOT NULL,
        kind INTEGER NOT NULL,
        child_id TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX child_record ON document (tenant, child_id) WHERE kind = 1;
      CREATE INDEX document_by_child ON document (tenant, child_id);
      -- the current version of each field; name '' holds the deleted flag
      CREATE TABLE field_state (
        doc_id TEXT NOT NULL REFERENCES document (id),
        name TEXT NOT NULL,
        tenant TEXT NOT NULL,
        child_id TEXT NOT NULL,
        kind INTEGER NOT NULL,
        value BLOB NOT NULL,
        hlc INTEGER NOT NULL,
        device_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (doc_id, name)
      ) WITHOUT ROWID;
      CREATE INDEX field_by_seq ON field_state (tenant, seq);
      CREATE INDEX field_by_child ON field_state (tenant, child_id);
      -- every value a text or set field has had, by the sequence number that
      -- set it: the base of a three-way merge (a name with '#' is a conflict
      -- slot, the empty name the deleted flag; neither is kept here)
      CREATE TABLE field_version (
        seq INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL,
        name TEXT NOT NULL,
        value BLOB NOT NULL
      );
      -- append-only: every change received and what became of it
      CREATE TABLE history (
        id INTEGER PRIMARY KEY,
        received_ms INTEGER NOT NULL,
        tenant TEXT NOT NULL,
        device_id TEXT NOT NULL,
        device_seq INTEGER,
        doc_id TEXT NOT NULL,
        kind INTEGER NOT NULL,
        child_id TEXT NOT NULL,
        op INTEGER NOT NULL,
        field TEXT NOT NULL,
        value BLOB NOT NULL,
        hlc INTEGER NOT NULL,
        base INTEGER NOT NULL,
        outcome INTEGER NOT NULL,
        seq INTEGER,
        stamped_hlc INTEGER NOT NULL,
        reason TEXT NOT NULL
      );
      CREATE UNIQUE INDEX history_by_device ON history (device_id, device_seq)
        WHERE device_seq IS NOT NULL;
      CREATE INDEX history_by_doc ON history (doc_id);
      CREATE INDEX history_refused ON history (outcome, tenant) WHERE outcome = 3;
      INSERT INTO meta VALUES ('last_seq', 0), ('hlc', 0);
    )sql"},
}};

}  // namespace

void migrate_server_schema(sqlite::Database& database) {
  sqlite::migrate(database, {kSteps, kServerStoreApplicationId, "server store"});
}

}  // namespace iro::server
