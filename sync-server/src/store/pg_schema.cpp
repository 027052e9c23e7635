#include "store/pg_schema.hpp"

#include <array>
#include <string>

#include "iro/error.hpp"

namespace iro::pg {
namespace {

struct Step {
  int version;
  const char* sql;
};

// Text compared byte by byte, as SQLite compares it: ORDER BY id gives the
// same order on both engines whatever the database's locale.
constexpr std::array<Step, 3> kSteps = {{
    {1, R"sql(
      CREATE DOMAIN btext AS TEXT COLLATE "C";
      -- last_seq: the newest server sequence number (its row is locked by
      -- every write transaction first: writes are serialized across nodes,
      -- so sequence numbers are given out in commit order); hlc: the newest
      -- server HLC; lease_master_secret (secret).
      CREATE TABLE meta (
        key btext PRIMARY KEY,
        value BIGINT,
        secret BYTEA
      );
      INSERT INTO meta (key, value) VALUES ('last_seq', 0), ('hlc', 0);
      CREATE TABLE tenant (
        name btext PRIMARY KEY,
        created_ms BIGINT NOT NULL,
        timescale_policy btext NOT NULL DEFAULT 'statutory',
        lease_days INTEGER NOT NULL DEFAULT 14
      );
      -- "user" is a reserved word in PostgreSQL
      CREATE TABLE app_user (
        id btext PRIMARY KEY,
        tenant btext NOT NULL REFERENCES tenant (name),
        name btext NOT NULL,
        role INTEGER NOT NULL
      );
      CREATE TABLE device (
        id btext PRIMARY KEY,
        tenant btext NOT NULL,
        user_id btext NOT NULL REFERENCES app_user (id),
        name btext NOT NULL,
        token_hash btext NOT NULL UNIQUE,
        enrolled_ms BIGINT NOT NULL,
        revoked_ms BIGINT,
        collect_first INTEGER NOT NULL DEFAULT 0,
        last_seen_ms BIGINT NOT NULL,
        last_cursor BIGINT NOT NULL DEFAULT 0
      );
      CREATE INDEX device_by_user ON device (user_id);
      CREATE TABLE enrolment (
        code_hash btext PRIMARY KEY,
        user_id btext NOT NULL REFERENCES app_user (id),
        tenant btext NOT NULL,
        created_ms BIGINT NOT NULL,
        expires_ms BIGINT NOT NULL,
        used_ms BIGINT
      );
      CREATE TABLE allocation (
        tenant btext NOT NULL,
        child_id btext NOT NULL,
        user_id btext NOT NULL REFERENCES app_user (id),
        seq BIGINT NOT NULL,
        PRIMARY KEY (tenant, child_id)
      );
      CREATE INDEX allocation_by_user ON allocation (tenant, user_id);
      CREATE TABLE scope_removal (
        tenant btext NOT NULL,
        user_id btext NOT NULL,
        child_id btext NOT NULL,
        seq BIGINT NOT NULL,
        removed_ms BIGINT NOT NULL,
        PRIMARY KEY (tenant, user_id, child_id)
      );
      CREATE TABLE document (
        id btext PRIMARY KEY,
        tenant btext NOT NULL,
        kind INTEGER NOT NULL,
        child_id btext NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0
      );
      CREATE UNIQUE INDEX child_record ON document (tenant, child_id) WHERE kind = 1;
      CREATE INDEX document_by_child ON document (tenant, child_id);
      -- the current version of each field; name '' holds the deleted flag;
      -- owner: the user the child is allocated to (NULL: nobody, or a
      -- record for the whole council), kept in step with allocation
      CREATE TABLE field_state (
        doc_id btext NOT NULL REFERENCES document (id),
        name btext NOT NULL,
        tenant btext NOT NULL,
        child_id btext NOT NULL,
        kind INTEGER NOT NULL,
        value BYTEA NOT NULL,
        hlc BIGINT NOT NULL,
        device_id btext NOT NULL,
        seq BIGINT NOT NULL,
        owner btext,
        PRIMARY KEY (doc_id, name)
      );
      CREATE INDEX field_by_seq ON field_state (tenant, seq);
      CREATE INDEX field_by_owner ON field_state (tenant, owner, seq, device_id);
      CREATE INDEX field_shared ON field_state (tenant, seq) WHERE child_id = '';
      -- every value a text or set field has had, by the sequence number that set it
      CREATE TABLE field_version (
        seq BIGINT PRIMARY KEY,
        doc_id btext NOT NULL,
        name btext NOT NULL,
        value BYTEA NOT NULL
      );
      -- append-only: every change received and what became of it
      CREATE TABLE history (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        received_ms BIGINT NOT NULL,
        tenant btext NOT NULL,
        device_id btext NOT NULL,
        device_seq BIGINT,
        doc_id btext NOT NULL,
        kind INTEGER NOT NULL,
        child_id btext NOT NULL,
        op INTEGER NOT NULL,
        field btext NOT NULL,
        value BYTEA NOT NULL,
        hlc BIGINT NOT NULL,
        base BIGINT NOT NULL,
        outcome INTEGER NOT NULL,
        seq BIGINT,
        stamped_hlc BIGINT NOT NULL,
        reason btext NOT NULL
      );
      CREATE UNIQUE INDEX history_by_device ON history (device_id, device_seq)
        WHERE device_seq IS NOT NULL;
      CREATE INDEX history_refused ON history (outcome, tenant) WHERE outcome = 3;
      -- append-only: who did what, from where, to which child and record
      CREATE TABLE audit (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        time_ms BIGINT NOT NULL,
        tenant btext,
        actor btext NOT NULL,
        user_id btext,
        device_id btext,
        remote btext,
        action btext NOT NULL,
        child_id btext,
        doc_id btext,
        outcome btext NOT NULL,
        detail btext NOT NULL
      );
      CREATE INDEX audit_by_child ON audit (child_id) WHERE child_id IS NOT NULL;
      CREATE INDEX audit_by_user ON audit (user_id) WHERE user_id IS NOT NULL;
      CREATE INDEX audit_by_device ON audit (device_id) WHERE device_id IS NOT NULL;
      CREATE INDEX audit_by_time ON audit (time_ms);
      CREATE FUNCTION audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
      CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit
        FOR EACH ROW EXECUTE FUNCTION audit_is_append_only();
      CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
        FOR EACH STATEMENT EXECUTE FUNCTION audit_is_append_only();
      -- attachments, per tenant, named by SHA-256
      CREATE TABLE blob (
        tenant btext NOT NULL,
        hash btext NOT NULL,
        size BIGINT NOT NULL,
        received BIGINT NOT NULL,
        complete INTEGER NOT NULL,
        uploaded_by btext NOT NULL,
        created_ms BIGINT NOT NULL,
        PRIMARY KEY (tenant, hash)
      );
      CREATE TABLE blob_chunk (
        tenant btext NOT NULL,
        hash btext NOT NULL,
        "offset" BIGINT NOT NULL,
        data BYTEA NOT NULL,
        PRIMARY KEY (tenant, hash, "offset")
      );
    )sql"},
    {2, R"sql(
      -- The managers' dashboard (as the SQLite store's step 7).
      CREATE TABLE web_password (
        user_id btext PRIMARY KEY,
        tenant btext NOT NULL,
        login btext NOT NULL,
        salt btext NOT NULL,
        hash btext NOT NULL,
        iterations BIGINT NOT NULL,
        set_ms BIGINT NOT NULL,
        UNIQUE (tenant, login)
      );
      CREATE TABLE web_session (
        token_hash btext PRIMARY KEY,
        user_id btext NOT NULL,
        tenant btext NOT NULL,
        created_ms BIGINT NOT NULL,
        expires_ms BIGINT NOT NULL
      );
      CREATE INDEX web_session_by_user ON web_session (user_id);
      CREATE INDEX web_session_by_expiry ON web_session (expires_ms);
      ALTER TABLE device ADD COLUMN unsent_changes BIGINT NOT NULL DEFAULT 0;
    )sql"},
    {3, R"sql(
      -- As the SQLite store's step 8: when a record was made, a collection
      -- window, the device's current session, and who holds an attachment.
      ALTER TABLE document ADD COLUMN created_seq BIGINT NOT NULL DEFAULT 0;
      ALTER TABLE document ADD COLUMN created_by btext NOT NULL DEFAULT '';
      ALTER TABLE device ADD COLUMN collect_started_ms BIGINT;
      ALTER TABLE device ADD COLUMN session_id btext NOT NULL DEFAULT '';
      CREATE TABLE blob_holder (
        tenant btext NOT NULL,
        hash btext NOT NULL,
        user_id btext NOT NULL,
        PRIMARY KEY (tenant, hash, user_id)
      );
      INSERT INTO blob_holder (tenant, hash, user_id)
        SELECT b.tenant, b.hash, d.user_id FROM blob b JOIN device d ON d.id = b.uploaded_by
        WHERE b.complete = 1 ON CONFLICT DO NOTHING;
      CREATE INDEX blob_by_uploader ON blob (uploaded_by) WHERE complete = 0;
    )sql"},
}};

// Any constant will do, as long as every node uses the same one.
constexpr std::int64_t kMigrationLock = 0x69726f2d73796e63;  // "iro-sync"

}  // namespace

int schema_version(Connection& connection) {
  const Result exists = connection.query(
      "SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = "
      "'schema_version'");
  if (exists.empty()) return 0;
  const Result version = connection.query("SELECT max(version) FROM schema_version");
  return version.is_null(0, 0) ? 0 : int(version.int64(0, 0));
}

void migrate_server_schema(Connection& connection, int target) {
  if (target == 0) target = kPgSchemaVersion;
  connection.execute("BEGIN");
  try {
    connection.query("SELECT pg_advisory_xact_lock($1)", Params(kMigrationLock));
    connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY)");
    const int current = schema_version(connection);
    if (current > kPgSchemaVersion) {
      throw Error(ErrorCode::schema_too_new,
                  "the PostgreSQL server store is at schema version " + std::to_string(current) +
                      "; this build knows up to " + std::to_string(kPgSchemaVersion));
    }
    for (const Step& step : kSteps) {
      if (step.version <= current || step.version > target) continue;
      connection.execute(step.sql);
      connection.query("INSERT INTO schema_version (version) VALUES ($1)",
                       Params(std::int64_t(step.version)));
    }
    connection.execute("COMMIT");
  } catch (...) {
    connection.execute("ROLLBACK");
    throw;
  }
}

}  // namespace iro::pg
