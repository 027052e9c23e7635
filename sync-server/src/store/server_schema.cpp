#include "store/server_schema.hpp"

#include <array>

#include "store/schema_migration.hpp"

namespace iro::server {
namespace {

constexpr std::array<sqlite::SchemaStep, 8> kSteps = {{
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
    {2, R"sql(
      -- append-only: who did what, from where, to which child and record, and
      -- what became of it (docs/ARCHITECTURE.md, Audit). NULL: not known, or
      -- about no one child or record. AUTOINCREMENT: an id is never reused.
      CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time_ms INTEGER NOT NULL,
        tenant TEXT,
        actor TEXT NOT NULL,      -- a device id, 'admin', or 'unknown'
        user_id TEXT,
        device_id TEXT,
        remote TEXT,              -- address:port of the connection
        action TEXT NOT NULL,
        child_id TEXT,
        doc_id TEXT,
        outcome TEXT NOT NULL,    -- ok, accepted, merged, conflict, refused
        detail TEXT NOT NULL      -- a short reason, never a record's words
      );
      CREATE INDEX audit_by_child ON audit (child_id) WHERE child_id IS NOT NULL;
      CREATE INDEX audit_by_user ON audit (user_id) WHERE user_id IS NOT NULL;
      CREATE INDEX audit_by_device ON audit (device_id) WHERE device_id IS NOT NULL;
      CREATE INDEX audit_by_time ON audit (time_ms);
      -- so that not even a bug in the server can rewrite what happened
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    )sql"},
    {3, R"sql(
      -- lease_days: how long a device's encrypted store stays open without
      -- reaching the server (the offline lease, docs/security.md); 1-90.
      -- meta's 'lease_master_secret' (made on first use) derives each
      -- device's lease secret (sync-server/src/service/lease.hpp).
      ALTER TABLE tenant ADD COLUMN lease_days INTEGER NOT NULL DEFAULT 14;
    )sql"},
    {4, R"sql(
      -- Records for the whole council rather than one child (consultation
      -- form templates) have child_id ''; every device of the tenant pulls
      -- them, through this index.
      CREATE INDEX field_shared ON field_state (tenant, seq) WHERE child_id = '';
      -- Attachments (iro/blob.hpp), per tenant: named by SHA-256, so one
      -- drawing sent twice is kept once; bytes in the chunks they came in.
      CREATE TABLE blob (
        tenant TEXT NOT NULL,
        hash TEXT NOT NULL,
        size INTEGER NOT NULL,
        received INTEGER NOT NULL,     -- bytes held, from offset 0
        complete INTEGER NOT NULL,     -- 1 once whole and checked against its hash
        uploaded_by TEXT NOT NULL,     -- the device that sent the first byte
        created_ms INTEGER NOT NULL,
        PRIMARY KEY (tenant, hash)
      );
      CREATE TABLE blob_chunk (
        tenant TEXT NOT NULL,
        hash TEXT NOT NULL,
        offset INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (tenant, hash, offset)
      );
    )sql"},
    {5, R"sql(
      -- owner: the user the record's child is allocated to (NULL: nobody, or
      -- a record for the whole council), kept in step with allocation by the
      -- store. An IRO's feed is then one range of field_by_owner, read in
      -- sequence order, however large the council: a pull reads its page and
      -- no one else's changes. device_id is in the index so counting what is
      -- left to pull needs no table row.
      ALTER TABLE field_state ADD COLUMN owner TEXT;
      UPDATE field_state SET owner = (SELECT a.user_id FROM allocation a
        WHERE a.tenant = field_state.tenant AND a.child_id = field_state.child_id);
      CREATE INDEX field_by_owner ON field_state (tenant, owner, seq, device_id);
    )sql"},
    {6, R"sql(
      -- Every index is written on every change: these two were read by
      -- nothing a device does. A child's fields (a reallocation, rare) are
      -- found through document_by_child; history is read by device and
      -- sequence (history_by_device) or by refusal, never by record.
      DROP INDEX field_by_child;
      DROP INDEX history_by_doc;
    )sql"},
    {7, R"sql(
      -- The managers' dashboard: a web password per user
      -- (service/web_login.hpp; PBKDF2, hex), the browsers signed in, by the
      -- SHA-256 of their cookie (never the cookie), and devices' unsent changes.
      CREATE TABLE web_password (
        user_id TEXT PRIMARY KEY,
        tenant TEXT NOT NULL,
        login TEXT NOT NULL,
        salt TEXT NOT NULL,
        hash TEXT NOT NULL,
        iterations INTEGER NOT NULL,
        set_ms INTEGER NOT NULL,
        UNIQUE (tenant, login)
      );
      CREATE TABLE web_session (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        tenant TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL
      );
      CREATE INDEX web_session_by_user ON web_session (user_id);
      CREATE INDEX web_session_by_expiry ON web_session (expires_ms);
      -- What each device's outbox held at its last Hello (protocol Hello.outbox_size).
      ALTER TABLE device ADD COLUMN unsent_changes INTEGER NOT NULL DEFAULT 0;
    )sql"},
    {8, R"sql(
      -- The newest sequence number when the record was made (0: made before
      -- this step, so taken as old). A device whose child left its caseload
      -- may edit, for a while, only records made before the child left.
      ALTER TABLE document ADD COLUMN created_seq INTEGER NOT NULL DEFAULT 0;
      -- The device that made it ('' for the server's own, and before this step).
      ALTER TABLE document ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
      -- A device revoked with --collect-first is welcomed to hand in its
      -- changes for a short window from its first such Hello.
      ALTER TABLE device ADD COLUMN collect_started_ms INTEGER;
      -- The device's current session (its latest Hello's id): any other
      -- session of the same token is ended, on every node.
      ALTER TABLE device ADD COLUMN session_id TEXT NOT NULL DEFAULT '';
      -- The users who have shown they hold an attachment's bytes (they
      -- uploaded them): a record may name an attachment only its author
      -- holds, or can already see through another record.
      CREATE TABLE blob_holder (
        tenant TEXT NOT NULL,
        hash TEXT NOT NULL,
        user_id TEXT NOT NULL,
        PRIMARY KEY (tenant, hash, user_id)
      ) WITHOUT ROWID;
      INSERT OR IGNORE INTO blob_holder (tenant, hash, user_id)
        SELECT b.tenant, b.hash, d.user_id FROM blob b JOIN device d ON d.id = b.uploaded_by
        WHERE b.complete = 1;
      CREATE INDEX blob_by_uploader ON blob (uploaded_by) WHERE complete = 0;
    )sql"},
}};

}  // namespace

void migrate_server_schema(sqlite::Database& database, int target) {
  sqlite::migrate(database, {kSteps, kServerStoreApplicationId, "server store"}, target);
}

}  // namespace iro::server
