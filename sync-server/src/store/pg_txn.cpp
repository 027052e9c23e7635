// PgTxn: SqliteTxn's queries in PostgreSQL. Where the two differ, a comment
// says why; everything else (results, orders, NULLs, edge cases) is the same.
//
// Throughout: SQLite's INSERT OR REPLACE is INSERT ... ON CONFLICT (primary
// key) DO UPDATE SET every other column. A parameter PostgreSQL cannot give a
// type from where it is used (`$1 IS NULL`, `$1 = ''`) is cast.
#include "store/pg_txn.hpp"

#include <algorithm>
#include <limits>

#include "iro/codec.hpp"
#include "iro/error.hpp"
#include "iro/merge.hpp"

namespace iro::server {
namespace {

std::optional<std::uint64_t> optional_u64(const pg::Result& result, int row, int column) {
  const std::optional<std::int64_t> value = result.optional_int64(row, column);
  if (!value) return std::nullopt;
  return std::uint64_t(*value);
}

std::optional<std::int64_t> optional_i64(std::optional<std::uint64_t> value) {
  if (!value) return std::nullopt;
  return std::int64_t(*value);
}

Value value_of(const pg::Result& result, int row, int column) {
  return decode_value(result.bytes(row, column));
}

// SQLite reads a negative LIMIT as no limit; PostgreSQL refuses one and
// reads NULL as no limit instead. A limit too large for a BIGINT is none.
std::optional<std::int64_t> row_limit(std::size_t limit) {
  if (limit > std::size_t(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
  return std::int64_t(limit);
}

// The device-facing change for one field_state row, selected as
// seq, doc_id, kind, child_id, name, value, hlc, device_id.
ChangeEntry entry_of(const pg::Result& result, int row) {
  ChangeEntry entry;
  entry.server_seq = std::uint64_t(result.int64(row, 0));
  Change& change = entry.change;
  change.doc_id = result.text(row, 1);
  change.kind = static_cast<Kind>(result.int64(row, 2));
  change.child_id = result.text(row, 3);
  change.field = result.text(row, 4);
  const Value value = value_of(result, row, 5);
  change.hlc = Hlc{std::uint64_t(result.int64(row, 6))};
  change.device_id = result.text(row, 7);
  if (change.field.empty()) {  // the deleted flag
    change.op = value == Value{true} ? ChangeOp::delete_document : ChangeOp::restore_document;
  } else {
    change.value = value;
  }
  return entry;
}

// An IRO's pull queries take $1 tenant, $2 user, $3 cursor, $4 device, $5
// limit. A manager's or admin's take no user: $1 tenant, $2 cursor, $3
// device, $4 limit (SQLite's leave ?2 unbound; PostgreSQL cannot type a
// parameter a statement never uses, and refuses it).
//
// A conflict slot's author is the device whose words lost; it is sent to that
// device too, which shows the conflict like every other device of the IRO.
const std::string kSlotRow = "strpos(f.name, '#') > 0";
//
// A device is not sent back the values it wrote itself (it has them, with the
// sequence number and timestamp its PushAck gave), unless the child once left
// the user's caseload: the device purged the child's records then, and needs
// them all again now that the child is back.
//
// An IRO's records are one range of field_by_owner (owner: the user the child
// is allocated to), read in sequence order: a page costs its own rows, not
// the council's. PostgreSQL has no INDEXED BY; its planner picks that index
// for the equalities on tenant and owner and the range on seq.
const std::string kIroScope =
    "FROM field_state f "
    "WHERE f.tenant = $1 AND f.owner = $2 AND f.seq > $3 AND (f.device_id <> $4 OR " +
    kSlotRow +
    " OR EXISTS (SELECT 1 FROM scope_removal r WHERE r.tenant = f.tenant "
    "AND r.user_id = $2 AND r.child_id = f.child_id)) ";
const std::string kEntryColumns =
    "SELECT f.seq, f.doc_id, f.kind, f.child_id, f.name, f.value, f.hlc, f.device_id ";
// Records for the whole council (consultation form templates, child_id ''):
// every device of the tenant gets them (index field_shared).
const std::string kSharedScope =
    "FROM field_state f WHERE f.tenant = $1 AND f.child_id = '' AND f.seq > $3 AND "
    "(f.device_id <> $4 OR " +
    kSlotRow + ") ";
// The two ranges, each read in sequence order, merged and stopped at the
// limit: nothing is sorted. PostgreSQL (15) plans this Merge Append only
// when each branch is ordered itself; SQLite's form, with one ORDER BY for
// the compound, has it read both ranges whole and sort them.
const std::string kIroPage = "(" + kEntryColumns + kIroScope + "ORDER BY f.seq) UNION ALL (" +
                             kEntryColumns + kSharedScope + "ORDER BY f.seq) ORDER BY 1 LIMIT $5";
// What is left to pull. SQLite counts it from field_by_owner alone (its
// indexes carry the primary key, name included); PostgreSQL's index has no
// name, so the count reads each row the strpos test needs.
const std::string kIroRemaining =
    "SELECT (SELECT count(*) " + kIroScope + ") + (SELECT count(*) " + kSharedScope + ")";
// Managers and admins see the whole council.
const std::string kCouncilScope =
    "FROM field_state f WHERE f.tenant = $1 AND f.seq > $2 AND (f.device_id <> $3 OR " + kSlotRow +
    ") ";
const std::string kCouncilPage = kEntryColumns + kCouncilScope + "ORDER BY f.seq LIMIT $4";
const std::string kCouncilRemaining = "SELECT count(*) " + kCouncilScope;

// A page's entries are reserved up to this many at once (a device asks for
// up to its own page size; most pages are full).
constexpr std::uint32_t kReservedPageEntries = 1000;

// Text and set fields keep every version: the bases of later three-way merges.
bool keeps_versions(Kind kind, std::string_view name) {
  const FieldSpec* spec = schema_for(kind).find(name);
  return spec != nullptr && merges_three_ways(*spec);
}

void insert_version(pg::Connection& connection, std::uint64_t seq, std::string_view doc_id,
                    std::string_view name, std::span<const std::uint8_t> value) {
  connection.send("INSERT INTO field_version (seq, doc_id, name, value) VALUES ($1, $2, $3, $4)",
                  pg::Params(std::int64_t(seq), doc_id, name, value));
}

}  // namespace

std::optional<std::int64_t> PgTxn::meta_int(std::string_view key) {
  const pg::Result row =
      m_connection.query("SELECT value FROM meta WHERE key = $1", pg::Params(key));
  if (row.empty()) return std::nullopt;
  // SQLite reads a NULL as 0; so does this.
  return row.optional_int64(0, 0).value_or(0);
}

void PgTxn::set_meta(std::string_view key, std::int64_t value) {
  m_connection.send(
      "INSERT INTO meta (key, value) VALUES ($1, $2) "
      "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, secret = EXCLUDED.secret",
      pg::Params(key, value));
}

// Counted here and saved once, before the commit: reading and writing the
// meta row for every change was a twentieth of a push's cost. A write
// transaction starts from the value it read when it locked the row.
std::uint64_t PgTxn::next_seq() {
  if (!m_writes) {
    throw Error(ErrorCode::internal, "a read transaction asked for a new sequence number");
  }
  if (!m_last_seq) m_last_seq = head_seq();
  m_seq_unsaved = true;
  return ++*m_last_seq;
}

std::uint64_t PgTxn::head_seq() {
  if (m_last_seq) return *m_last_seq;
  return std::uint64_t(meta_int("last_seq").value_or(0));
}

void PgTxn::save_sequence() {
  if (!m_seq_unsaved) return;
  set_meta("last_seq", std::int64_t(*m_last_seq));
  m_seq_unsaved = false;
}

void PgTxn::discard_unsaved_sequence() {
  // Read again from meta when next needed: it holds the last save (or, with
  // none, the value locked at the start), as a rollback to a savepoint undoes
  // only what came after it.
  if (m_seq_unsaved) m_last_seq.reset();
  m_seq_unsaved = false;
}

Hlc PgTxn::server_hlc() {
  return Hlc{std::uint64_t(meta_int("hlc").value_or(0))};
}

void PgTxn::save_server_hlc(Hlc hlc) {
  if (hlc > server_hlc()) set_meta("hlc", std::int64_t(hlc.packed));
}

bool PgTxn::tenant_exists(std::string_view tenant) {
  return !m_connection.query("SELECT 1 FROM tenant WHERE name = $1", pg::Params(tenant)).empty();
}

void PgTxn::insert_tenant(std::string_view tenant, std::uint64_t now_ms) {
  m_connection.query("INSERT INTO tenant (name, created_ms) VALUES ($1, $2)",
                     pg::Params(tenant, std::int64_t(now_ms)));
}

std::optional<std::string> PgTxn::timescale_policy(std::string_view tenant) {
  const pg::Result row =
      m_connection.query("SELECT timescale_policy FROM tenant WHERE name = $1", pg::Params(tenant));
  if (row.empty()) return std::nullopt;
  return row.text(0, 0);
}

void PgTxn::set_timescale_policy(std::string_view tenant, std::string_view policy) {
  m_connection.query("UPDATE tenant SET timescale_policy = $2 WHERE name = $1",
                     pg::Params(tenant, policy));
}

std::optional<int> PgTxn::lease_days(std::string_view tenant) {
  const pg::Result row =
      m_connection.query("SELECT lease_days FROM tenant WHERE name = $1", pg::Params(tenant));
  if (row.empty()) return std::nullopt;
  return int(row.int64(0, 0));
}

void PgTxn::set_lease_days(std::string_view tenant, int days) {
  m_connection.query("UPDATE tenant SET lease_days = $2 WHERE name = $1",
                     pg::Params(tenant, std::int64_t(days)));
}

// meta keeps numbers in `value` and this secret in `secret` (SQLite's one
// column takes either).
std::optional<Bytes> PgTxn::lease_master_secret() {
  const pg::Result row =
      m_connection.query("SELECT secret FROM meta WHERE key = 'lease_master_secret'");
  if (row.empty()) return std::nullopt;
  return row.bytes(0, 0);
}

void PgTxn::save_lease_master_secret(std::span<const std::uint8_t> secret) {
  m_connection.query(
      "INSERT INTO meta (key, secret) VALUES ('lease_master_secret', $1) "
      "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, secret = EXCLUDED.secret",
      pg::Params(secret));
}

std::optional<UserRow> PgTxn::user(std::string_view id) {
  const pg::Result row = m_connection.query(
      "SELECT id, tenant, name, role FROM app_user WHERE id = $1", pg::Params(id));
  if (row.empty()) return std::nullopt;
  return UserRow{row.text(0, 0), row.text(0, 1), row.text(0, 2),
                 static_cast<Role>(row.int64(0, 3))};
}

void PgTxn::insert_user(const UserRow& user) {
  m_connection.query("INSERT INTO app_user (id, tenant, name, role) VALUES ($1, $2, $3, $4)",
                     pg::Params(user.id, user.tenant, user.name, std::int64_t(user.role)));
}

namespace {

const std::string kDeviceColumns =
    "id, tenant, user_id, name, token_hash, enrolled_ms, revoked_ms, collect_first, last_seen_ms, "
    "last_cursor, unsent_changes, collect_started_ms, session_id";

DeviceRow device_of(const pg::Result& result, int row) {
  DeviceRow device;
  device.id = result.text(row, 0);
  device.tenant = result.text(row, 1);
  device.user_id = result.text(row, 2);
  device.name = result.text(row, 3);
  device.token_hash = result.text(row, 4);
  device.enrolled_ms = std::uint64_t(result.int64(row, 5));
  device.revoked_ms = optional_u64(result, row, 6);
  device.collect_first = result.int64(row, 7) != 0;
  device.last_seen_ms = std::uint64_t(result.int64(row, 8));
  device.last_cursor = std::uint64_t(result.int64(row, 9));
  device.unsent_changes = std::uint64_t(result.int64(row, 10));
  device.collect_started_ms = optional_u64(result, row, 11);
  device.session_id = result.text(row, 12);
  return device;
}

}  // namespace

std::optional<DeviceRow> PgTxn::device(std::string_view id) {
  static const std::string kSql = "SELECT " + kDeviceColumns + " FROM device WHERE id = $1";
  const pg::Result row = m_connection.query(kSql, pg::Params(id));
  if (row.empty()) return std::nullopt;
  return device_of(row, 0);
}

std::optional<DeviceRow> PgTxn::device_by_token_hash(std::string_view token_hash) {
  static const std::string kSql = "SELECT " + kDeviceColumns + " FROM device WHERE token_hash = $1";
  const pg::Result row = m_connection.query(kSql, pg::Params(token_hash));
  if (row.empty()) return std::nullopt;
  return device_of(row, 0);
}

void PgTxn::put_device(const DeviceRow& device) {
  static const std::string kSql =
      "INSERT INTO device (" + kDeviceColumns +
      ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
      "ON CONFLICT (id) DO UPDATE SET "
      "tenant = EXCLUDED.tenant, user_id = EXCLUDED.user_id, name = EXCLUDED.name, "
      "token_hash = EXCLUDED.token_hash, enrolled_ms = EXCLUDED.enrolled_ms, "
      "revoked_ms = EXCLUDED.revoked_ms, collect_first = EXCLUDED.collect_first, "
      "last_seen_ms = EXCLUDED.last_seen_ms, last_cursor = EXCLUDED.last_cursor, "
      "unsent_changes = EXCLUDED.unsent_changes, "
      "collect_started_ms = EXCLUDED.collect_started_ms, session_id = EXCLUDED.session_id";
  m_connection.query(
      kSql, pg::Params(device.id, device.tenant, device.user_id, device.name, device.token_hash,
                       std::int64_t(device.enrolled_ms), optional_i64(device.revoked_ms),
                       std::int64_t{device.collect_first}, std::int64_t(device.last_seen_ms),
                       std::int64_t(device.last_cursor), std::int64_t(device.unsent_changes),
                       optional_i64(device.collect_started_ms), device.session_id));
}

std::vector<DeviceRow> PgTxn::devices_by_id(std::span<const std::string> ids) {
  // One round trip for them all: the ids as a text[] literal, each quoted.
  std::string array = "{";
  for (const std::string& id : ids) {
    if (array.size() > 1) array += ',';
    array += '"';
    for (const char c : id) {
      if (c == '"' || c == '\\') array += '\\';
      array += c;
    }
    array += '"';
  }
  array += '}';
  static const std::string kSql =
      "SELECT " + kDeviceColumns + " FROM device WHERE id = ANY ($1::text[])";
  const pg::Result rows = m_connection.query(kSql, pg::Params(array));
  std::vector<DeviceRow> found;
  for (int row = 0; row < rows.rows(); ++row) found.push_back(device_of(rows, row));
  return found;
}

std::vector<DeviceRow> PgTxn::devices(std::string_view user_id) {
  static const std::string kSql =
      "SELECT " + kDeviceColumns + " FROM device WHERE $1::text = '' OR user_id = $1 ORDER BY id";
  const pg::Result rows = m_connection.query(kSql, pg::Params(user_id));
  std::vector<DeviceRow> found;
  for (int row = 0; row < rows.rows(); ++row) found.push_back(device_of(rows, row));
  return found;
}

std::optional<EnrolmentRow> PgTxn::enrolment(std::string_view code_hash) {
  const pg::Result row = m_connection.query(
      "SELECT code_hash, user_id, tenant, created_ms, expires_ms, used_ms FROM enrolment "
      "WHERE code_hash = $1",
      pg::Params(code_hash));
  if (row.empty()) return std::nullopt;
  return EnrolmentRow{row.text(0, 0),
                      row.text(0, 1),
                      row.text(0, 2),
                      std::uint64_t(row.int64(0, 3)),
                      std::uint64_t(row.int64(0, 4)),
                      optional_u64(row, 0, 5)};
}

void PgTxn::put_enrolment(const EnrolmentRow& enrolment) {
  m_connection.query(
      "INSERT INTO enrolment (code_hash, user_id, tenant, created_ms, expires_ms, used_ms) "
      "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code_hash) DO UPDATE SET "
      "user_id = EXCLUDED.user_id, tenant = EXCLUDED.tenant, created_ms = EXCLUDED.created_ms, "
      "expires_ms = EXCLUDED.expires_ms, used_ms = EXCLUDED.used_ms",
      pg::Params(enrolment.code_hash, enrolment.user_id, enrolment.tenant,
                 std::int64_t(enrolment.created_ms), std::int64_t(enrolment.expires_ms),
                 optional_i64(enrolment.used_ms)));
}

std::optional<std::string> PgTxn::allocated_user(std::string_view tenant,
                                                 std::string_view child_id) {
  const pg::Result row =
      m_connection.query("SELECT user_id FROM allocation WHERE tenant = $1 AND child_id = $2",
                         pg::Params(tenant, child_id));
  if (row.empty()) return std::nullopt;
  return row.text(0, 0);
}

void PgTxn::set_allocation(std::string_view tenant, std::string_view child_id,
                           std::string_view user_id, std::uint64_t seq) {
  m_connection.query(
      "INSERT INTO allocation (tenant, child_id, user_id, seq) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (tenant, child_id) DO UPDATE SET user_id = EXCLUDED.user_id, seq = EXCLUDED.seq",
      pg::Params(tenant, child_id, user_id, std::int64_t(seq)));
  feed_changed(tenant);
  // Each field row names its child's IRO (owner): the pull's index.
  m_connection.query(
      "UPDATE field_state SET owner = $3 WHERE doc_id IN "
      "(SELECT id FROM document WHERE tenant = $1 AND child_id = $2)",
      pg::Params(tenant, child_id, user_id));
}

void PgTxn::insert_scope_removal(std::string_view tenant, std::string_view user_id,
                                 std::string_view child_id, std::uint64_t seq,
                                 std::uint64_t now_ms) {
  m_connection.query(
      "INSERT INTO scope_removal (tenant, user_id, child_id, seq, removed_ms) "
      "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant, user_id, child_id) DO UPDATE SET "
      "seq = EXCLUDED.seq, removed_ms = EXCLUDED.removed_ms",
      pg::Params(tenant, user_id, child_id, std::int64_t(seq), std::int64_t(now_ms)));
  feed_changed(tenant);
}

std::optional<ScopeRemoval> PgTxn::scope_removal(std::string_view tenant, std::string_view user_id,
                                                 std::string_view child_id) {
  const pg::Result row = m_connection.query(
      "SELECT seq, removed_ms FROM scope_removal "
      "WHERE tenant = $1 AND user_id = $2 AND child_id = $3",
      pg::Params(tenant, user_id, child_id));
  if (row.empty()) return std::nullopt;
  return ScopeRemoval{std::uint64_t(row.int64(0, 0)), std::uint64_t(row.int64(0, 1))};
}

void PgTxn::resequence_child(std::string_view tenant, std::string_view child_id) {
  feed_changed(tenant);
  const pg::Result rows = m_connection.query(
      "SELECT f.doc_id, f.name, f.kind, f.value FROM document d "
      "JOIN field_state f ON f.doc_id = d.id WHERE d.tenant = $1 AND d.child_id = $2 "
      "ORDER BY f.seq",
      pg::Params(tenant, child_id));
  for (int row = 0; row < rows.rows(); ++row) {
    const std::string doc_id = rows.text(row, 0);
    const std::string name = rows.text(row, 1);
    const std::uint64_t seq = next_seq();
    m_connection.query("UPDATE field_state SET seq = $3 WHERE doc_id = $1 AND name = $2",
                       pg::Params(doc_id, name, std::int64_t(seq)));
    // The new IRO's devices will edit from this number: it must name a version.
    if (keeps_versions(static_cast<Kind>(rows.int64(row, 2)), name))
      insert_version(m_connection, seq, doc_id, name, rows.bytes(row, 3));
  }
}

std::vector<std::string> PgTxn::removed_children(const DeviceIdentity& identity,
                                                 std::uint64_t after_seq) {
  const pg::Result rows = m_connection.query(
      "SELECT r.child_id FROM scope_removal r WHERE r.tenant = $1 AND r.user_id = $2 "
      "AND r.seq > $3 AND NOT EXISTS (SELECT 1 FROM allocation a WHERE a.tenant = r.tenant "
      "AND a.child_id = r.child_id AND a.user_id = r.user_id) ORDER BY r.child_id",
      pg::Params(identity.tenant, identity.user_id, std::int64_t(after_seq)));
  std::vector<std::string> children;
  for (int row = 0; row < rows.rows(); ++row) children.push_back(rows.text(row, 0));
  return children;
}

namespace {

DocumentRow document_of(const pg::Result& result, int row) {
  return DocumentRow{
      result.text(row, 0), result.text(row, 1),       static_cast<Kind>(result.int64(row, 2)),
      result.text(row, 3), result.int64(row, 4) != 0, std::uint64_t(result.int64(row, 5)),
      result.text(row, 6)};
}

}  // namespace

std::optional<DocumentRow> PgTxn::document(std::string_view tenant, std::string_view id) {
  const pg::Result row = m_connection.query(
      "SELECT id, tenant, kind, child_id, deleted, created_seq, created_by FROM document "
      "WHERE id = $1 AND tenant = $2",
      pg::Params(id, tenant));
  if (row.empty()) return std::nullopt;
  return document_of(row, 0);
}

bool PgTxn::record_id_taken(std::string_view id) {
  return !m_connection.query("SELECT 1 FROM document WHERE id = $1", pg::Params(id)).empty();
}

std::optional<DocumentRow> PgTxn::child_record(std::string_view tenant, std::string_view child_id) {
  const pg::Result row = m_connection.query(
      "SELECT id, tenant, kind, child_id, deleted, created_seq, created_by FROM document "
      "WHERE tenant = $1 AND child_id = $2 AND kind = 1",
      pg::Params(tenant, child_id));
  if (row.empty()) return std::nullopt;
  return document_of(row, 0);
}

void PgTxn::put_document(const DocumentRow& document) {
  m_connection.send(
      "INSERT INTO document (id, tenant, kind, child_id, deleted, created_seq, created_by) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7) "
      // A record keeps its council, kind and child for good: only its
      // deleted flag changes, and never from another council.
      "ON CONFLICT (id) DO UPDATE SET deleted = EXCLUDED.deleted "
      "WHERE document.tenant = EXCLUDED.tenant",
      pg::Params(document.id, document.tenant, std::int64_t(document.kind), document.child_id,
                 std::int64_t{document.deleted}, std::int64_t(document.created_seq),
                 document.created_by));
}

std::optional<FieldRow> PgTxn::field(std::string_view tenant, std::string_view doc_id,
                                     std::string_view name) {
  const pg::Result row = m_connection.query(
      "SELECT value, hlc, device_id, seq FROM field_state "
      "WHERE doc_id = $1 AND name = $2 AND tenant = $3",
      pg::Params(doc_id, name, tenant));
  if (row.empty()) return std::nullopt;
  return FieldRow{value_of(row, 0, 0), Hlc{std::uint64_t(row.int64(0, 1))}, row.text(0, 2),
                  std::uint64_t(row.int64(0, 3))};
}

FieldMap PgTxn::fields(std::string_view tenant, std::string_view doc_id) {
  const pg::Result rows = m_connection.query(
      "SELECT name, value FROM field_state WHERE doc_id = $1 AND tenant = $2 AND name <> '' "
      "AND strpos(name, '#') = 0",
      pg::Params(doc_id, tenant));
  FieldMap fields;
  for (int row = 0; row < rows.rows(); ++row) {
    Value value = value_of(rows, row, 1);
    if (!is_unset(value)) fields.emplace(rows.text(row, 0), std::move(value));
  }
  return fields;
}

void PgTxn::put_field(const DocumentRow& document, std::string_view name, const FieldRow& field) {
  const Bytes value = encode_value(field.value);
  if (keeps_versions(document.kind, name)) {
    insert_version(m_connection, field.seq, document.id, name, value);
  }
  // $3 and $4 are cast: PostgreSQL would type them btext as values of the
  // row and text in the comparisons, and refuse the statement.
  m_connection.send(
      "INSERT INTO field_state (doc_id, name, tenant, child_id, kind, value, hlc, device_id, seq, "
      "owner) VALUES ($1, $2, $3::text, $4::text, $5, $6, $7, $8, $9, "
      "(SELECT user_id FROM allocation WHERE tenant = $3 AND child_id = $4)) "
      "ON CONFLICT (doc_id, name) DO UPDATE SET tenant = EXCLUDED.tenant, "
      "child_id = EXCLUDED.child_id, kind = EXCLUDED.kind, value = EXCLUDED.value, "
      "hlc = EXCLUDED.hlc, device_id = EXCLUDED.device_id, seq = EXCLUDED.seq, "
      "owner = EXCLUDED.owner",
      pg::Params(document.id, name, document.tenant, document.child_id, std::int64_t(document.kind),
                 value, std::int64_t(field.hlc.packed), field.device_id, std::int64_t(field.seq)));
  feed_changed(document.tenant);
}

std::optional<Value> PgTxn::field_version(std::string_view tenant, std::string_view doc_id,
                                          std::string_view name, std::uint64_t seq) {
  // field_version has no tenant of its own: its record's row says whose it is.
  const pg::Result row = m_connection.query(
      "SELECT v.value FROM field_version v JOIN document d ON d.id = v.doc_id "
      "WHERE v.seq = $1 AND v.doc_id = $2 AND v.name = $3 AND d.tenant = $4",
      pg::Params(std::int64_t(seq), doc_id, name, tenant));
  if (row.empty()) return std::nullopt;
  return value_of(row, 0, 0);
}

std::uint64_t PgTxn::newest_field_seq(std::string_view tenant, std::string_view doc_id,
                                      std::string_view except_device) {
  // Edits only: not the deleted flag (a restore is no edit), nor a resolved
  // conflict; an open conflict is someone's words, and counts.
  static const Bytes kUnset = encode_value(Value{});
  const pg::Result row = m_connection.query(
      "SELECT coalesce(max(seq), 0) FROM field_state WHERE doc_id = $1 AND tenant = $4 "
      "AND name <> '' AND NOT (strpos(name, '#') > 0 AND value = $2) AND device_id <> $3",
      pg::Params(doc_id, kUnset, except_device, tenant));
  return std::uint64_t(row.int64(0, 0));
}

namespace {

const std::string kHistoryColumns =
    "tenant, doc_id, kind, child_id, op, field, value, hlc, base, outcome, seq, stamped_hlc, "
    "reason, received_ms, device_id, device_seq";

HistoryRow history_of(const pg::Result& result, int r) {
  HistoryRow row;
  row.tenant = result.text(r, 0);
  row.change.doc_id = result.text(r, 1);
  row.change.kind = static_cast<Kind>(result.int64(r, 2));
  row.change.child_id = result.text(r, 3);
  row.change.op = static_cast<ChangeOp>(result.int64(r, 4));
  row.change.field = result.text(r, 5);
  row.change.value = value_of(result, r, 6);
  row.change.hlc = Hlc{std::uint64_t(result.int64(r, 7))};
  row.change.base = std::uint64_t(result.int64(r, 8));
  row.outcome = static_cast<PushOutcome>(result.int64(r, 9));
  row.seq = optional_u64(result, r, 10).value_or(0);
  row.stamped_hlc = Hlc{std::uint64_t(result.int64(r, 11))};
  row.reason = result.text(r, 12);
  row.received_ms = std::uint64_t(result.int64(r, 13));
  row.change.device_id = result.text(r, 14);
  row.device_seq = optional_u64(result, r, 15);
  row.change.device_seq = row.device_seq.value_or(0);
  return row;
}

}  // namespace

std::optional<HistoryRow> PgTxn::history_for(std::string_view device_id, std::uint64_t device_seq) {
  static const std::string kSql =
      "SELECT " + kHistoryColumns + " FROM history WHERE device_id = $1 AND device_seq = $2";
  const pg::Result row = m_connection.query(kSql, pg::Params(device_id, std::int64_t(device_seq)));
  if (row.empty()) return std::nullopt;
  return history_of(row, 0);
}

std::vector<HistoryRow> PgTxn::quarantine(std::string_view tenant, std::size_t limit) {
  // The refused outcome is written into the statement, not bound as SQLite's
  // is: PostgreSQL's generic plan for a prepared statement can then still use
  // the partial index history_refused (WHERE outcome = 3).
  static const std::string kSql = "SELECT " + kHistoryColumns + " FROM history WHERE outcome = " +
                                  std::to_string(int(PushOutcome::refused)) +
                                  " AND ($1::text = '' OR tenant = $1) ORDER BY id DESC LIMIT $2";
  const pg::Result rows = m_connection.query(kSql, pg::Params(tenant, row_limit(limit)));
  std::vector<HistoryRow> found;
  for (int row = 0; row < rows.rows(); ++row) found.push_back(history_of(rows, row));
  return found;
}

void PgTxn::append_history(const HistoryRow& row) {
  const Bytes value = encode_value(row.change.value);
  m_connection.send(
      "INSERT INTO history (received_ms, tenant, device_id, device_seq, doc_id, kind, child_id, "
      "op, field, value, hlc, base, outcome, seq, stamped_hlc, reason) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
      pg::Params(std::int64_t(row.received_ms), row.tenant, row.change.device_id,
                 optional_i64(row.device_seq), row.change.doc_id, std::int64_t(row.change.kind),
                 row.change.child_id, std::int64_t(row.change.op), row.change.field, value,
                 std::int64_t(row.change.hlc.packed), std::int64_t(row.change.base),
                 std::int64_t(row.outcome),
                 optional_i64(row.seq ? std::optional(row.seq) : std::nullopt),
                 std::int64_t(row.stamped_hlc.packed), row.reason));
}

namespace {

// An empty string is stored as NULL: "not known" or "about no one child".
void add_text_or_null(pg::Params& params, const std::string& text) {
  if (text.empty()) {
    params.add_null();
  } else {
    params.add(text);
  }
}

std::string text_or_empty(const pg::Result& result, int row, int column) {
  return result.is_null(row, column) ? std::string() : result.text(row, column);
}

}  // namespace

void PgTxn::append_audit(const AuditRow& row) {
  pg::Params params;
  params.add(std::int64_t(row.time_ms));
  add_text_or_null(params, row.tenant);
  params.add(row.actor);
  add_text_or_null(params, row.user_id);
  add_text_or_null(params, row.device_id);
  add_text_or_null(params, row.remote);
  params.add(row.action);
  add_text_or_null(params, row.child_id);
  add_text_or_null(params, row.doc_id);
  params.add(row.outcome);
  params.add(row.detail);
  m_connection.send(
      "INSERT INTO audit (time_ms, tenant, actor, user_id, device_id, remote, action, child_id, "
      "doc_id, outcome, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
      params);
}

std::vector<AuditRow> PgTxn::audit_log(const AuditQuery& query) {
  // Only the filters given go into the query, so each can use its index; the
  // newest `limit` matches are taken, then put back in order. Unlike SQLite's
  // fixed ?1-?6, the parameters are numbered as the filters present come:
  // PostgreSQL refuses a statement with a parameter it never uses.
  std::string where;
  pg::Params params;
  const auto filter = [&](bool given, std::string_view column, const auto& value) {
    if (!given) return;
    params.add(value);
    where += where.empty() ? " WHERE " : " AND ";
    where += column;
    where += " $" + std::to_string(params.size());
  };
  filter(!query.child_id.empty(), "child_id =", query.child_id);
  filter(!query.user_id.empty(), "user_id =", query.user_id);
  filter(!query.device_id.empty(), "device_id =", query.device_id);
  filter(!query.tenant.empty(), "tenant =", query.tenant);
  filter(query.since_ms.has_value(), "time_ms >=", std::int64_t(query.since_ms.value_or(0)));
  // A NULL limit is none.
  params.add(query.limit == 0 ? std::nullopt : row_limit(query.limit));
  const pg::Result rows = m_connection.query(
      "SELECT * FROM (SELECT id, time_ms, tenant, actor, user_id, device_id, remote, action, "
      "child_id, doc_id, outcome, detail FROM audit" +
          where + " ORDER BY id DESC LIMIT $" + std::to_string(params.size()) +
          ") AS newest ORDER BY id",
      params);
  std::vector<AuditRow> found;
  found.reserve(std::size_t(rows.rows()));
  for (int r = 0; r < rows.rows(); ++r) {
    AuditRow& row = found.emplace_back();
    row.id = std::uint64_t(rows.int64(r, 0));
    row.time_ms = std::uint64_t(rows.int64(r, 1));
    row.tenant = text_or_empty(rows, r, 2);
    row.actor = rows.text(r, 3);
    row.user_id = text_or_empty(rows, r, 4);
    row.device_id = text_or_empty(rows, r, 5);
    row.remote = text_or_empty(rows, r, 6);
    row.action = rows.text(r, 7);
    row.child_id = text_or_empty(rows, r, 8);
    row.doc_id = text_or_empty(rows, r, 9);
    row.outcome = rows.text(r, 10);
    row.detail = rows.text(r, 11);
  }
  return found;
}

Changes PgTxn::pull_page(const DeviceIdentity& identity, std::uint64_t cursor,
                         std::uint32_t limit) {
  const bool whole_council = identity.role != Role::iro;
  Changes page;
  page.entries.reserve(std::min<std::uint32_t>(limit, kReservedPageEntries));
  const pg::Result rows =
      whole_council
          ? m_connection.query(kCouncilPage, pg::Params(identity.tenant, std::int64_t(cursor),
                                                        identity.device_id, std::int64_t(limit)))
          : m_connection.query(kIroPage,
                               pg::Params(identity.tenant, identity.user_id, std::int64_t(cursor),
                                          identity.device_id, std::int64_t(limit)));
  for (int row = 0; row < rows.rows(); ++row) page.entries.push_back(entry_of(rows, row));
  const std::uint64_t last = page.entries.empty() ? cursor : page.entries.back().server_seq;
  const pg::Result remaining =
      whole_council
          ? m_connection.query(kCouncilRemaining,
                               pg::Params(identity.tenant, std::int64_t(last), identity.device_id))
          : m_connection.query(kIroRemaining, pg::Params(identity.tenant, identity.user_id,
                                                         std::int64_t(last), identity.device_id));
  page.remaining = std::uint64_t(remaining.int64(0, 0));
  page.more = page.remaining > 0;
  // Nothing more in scope: skip past everything else committed so far.
  page.next_cursor = page.more ? last : std::max(last, head_seq());
  return page;
}

std::vector<Document> PgTxn::documents_in_scope(const DeviceIdentity& identity) {
  return scoped_documents(identity, std::nullopt);
}

std::vector<Document> PgTxn::documents_in_scope(const DeviceIdentity& identity, Kind kind) {
  return scoped_documents(identity, kind);
}

std::vector<Document> PgTxn::scoped_documents(const DeviceIdentity& identity,
                                              std::optional<Kind> kind) {
  // $2 the IRO (NULL: the whole council), $3 the kind (NULL: every kind).
  // Only a document with no field rows has a NULL f.name, and it has one
  // row, so that SQLite sorts NULLs first and PostgreSQL last changes nothing.
  pg::Params params(identity.tenant);
  if (identity.role == Role::iro) {
    params.add(identity.user_id);
  } else {
    params.add_null();
  }
  params.add(kind ? std::optional(std::int64_t(*kind)) : std::nullopt);
  const pg::Result rows = m_connection.query(
      "SELECT d.id, d.kind, d.child_id, d.deleted, f.name, f.value, f.device_id, f.hlc "
      "FROM document d "
      "LEFT JOIN field_state f ON f.doc_id = d.id AND f.name <> '' "
      "WHERE d.tenant = $1 AND ($2::text IS NULL OR d.child_id = '' OR d.child_id IN "
      "(SELECT child_id FROM allocation WHERE tenant = $1 AND user_id = $2)) "
      "AND ($3::bigint IS NULL OR d.kind = $3) "
      "ORDER BY d.id, f.name",
      params);
  std::vector<Document> documents;
  for (int row = 0; row < rows.rows(); ++row) {
    std::string id = rows.text(row, 0);
    if (documents.empty() || documents.back().id != id) {
      Document& document = documents.emplace_back();
      document.id = std::move(id);
      document.kind = static_cast<Kind>(rows.int64(row, 1));
      document.child_id = rows.text(row, 2);
      document.deleted = rows.int64(row, 3) != 0;
    }
    if (rows.is_null(row, 4)) continue;
    Value value = value_of(rows, row, 5);
    if (is_unset(value)) continue;  // a cleared field, or a resolved conflict
    std::string name = rows.text(row, 4);
    if (is_conflict_slot(name)) {
      std::string field(field_of_slot(name));
      documents.back().conflicts.push_back(Conflict{std::move(name), std::move(field),
                                                    std::move(value), rows.text(row, 6),
                                                    Hlc{std::uint64_t(rows.int64(row, 7))}});
    } else {
      documents.back().fields.emplace(std::move(name), std::move(value));
    }
  }
  return documents;
}

}  // namespace iro::server
