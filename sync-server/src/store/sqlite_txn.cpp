#include "store/sqlite_txn.hpp"

#include "iro/codec.hpp"
#include "iro/merge.hpp"

namespace iro::server {
namespace {

std::optional<std::uint64_t> optional_u64(const sqlite::CachedStatement& statement, int column) {
  if (statement.is_null(column)) return std::nullopt;
  return std::uint64_t(statement.int64(column));
}

void bind_optional(sqlite::CachedStatement& statement, int index,
                   std::optional<std::uint64_t> value) {
  if (value) {
    statement.bind(index, std::int64_t(*value));
  } else {
    statement.bind_null(index);
  }
}

Value value_of(const sqlite::CachedStatement& statement, int column) {
  return decode_value(statement.blob(column));
}

// The device-facing change for one field_state row, selected as
// seq, doc_id, kind, child_id, name, value, hlc, device_id.
ChangeEntry entry_of(const sqlite::CachedStatement& row) {
  ChangeEntry entry;
  entry.server_seq = std::uint64_t(row.int64(0));
  Change& change = entry.change;
  change.doc_id = row.text(1);
  change.kind = static_cast<Kind>(row.int64(2));
  change.child_id = row.text(3);
  change.field = row.text(4);
  const Value value = value_of(row, 5);
  change.hlc = Hlc{std::uint64_t(row.int64(6))};
  change.device_id = row.text(7);
  if (change.field.empty()) {  // the deleted flag
    change.op = value == Value{true} ? ChangeOp::delete_document : ChangeOp::restore_document;
  } else {
    change.value = value;
  }
  return entry;
}

// Pull queries take ?1 tenant, ?2 user, ?3 cursor, ?4 device, ?5 limit.
//
// A conflict slot's author is the device whose words lost; it is sent to that
// device too, which shows the conflict like every other device of the IRO.
const std::string kSlotRow = "instr(f.name, '#') > 0";
//
// A device is not sent back the values it wrote itself (it has them, with the
// sequence number and timestamp its PushAck gave), unless the child once left
// the user's caseload: the device purged the child's records then, and needs
// them all again now that the child is back.
//
// An IRO's records are one range of field_by_owner (owner: the user the child
// is allocated to), read in sequence order: a page costs its own rows, not
// the council's.
const std::string kIroScope =
    "FROM field_state f INDEXED BY field_by_owner "
    "WHERE f.tenant = ?1 AND f.owner = ?2 AND f.seq > ?3 AND (f.device_id <> ?4 OR " +
    kSlotRow +
    " OR EXISTS (SELECT 1 FROM scope_removal r WHERE r.tenant = f.tenant "
    "AND r.user_id = ?2 AND r.child_id = f.child_id)) ";
// Managers and admins see the whole council (?2 unused).
const std::string kCouncilScope =
    "FROM field_state f WHERE f.tenant = ?1 AND f.seq > ?3 AND (f.device_id <> ?4 OR " + kSlotRow +
    ") ";
const std::string kEntryColumns =
    "SELECT f.seq, f.doc_id, f.kind, f.child_id, f.name, f.value, f.hlc, f.device_id ";
// Records for the whole council (consultation form templates, child_id ''):
// every device of the tenant gets them (index field_shared).
const std::string kSharedScope =
    "FROM field_state f WHERE f.tenant = ?1 AND f.child_id = '' AND f.seq > ?3 AND "
    "(f.device_id <> ?4 OR " +
    kSlotRow + ") ";
// A compound ORDER BY merges the two ranges, each already in sequence order,
// and stops at the limit: nothing is sorted.
const std::string kIroPage =
    kEntryColumns + kIroScope + "UNION ALL " + kEntryColumns + kSharedScope + "ORDER BY 1 LIMIT ?5";
const std::string kIroRemaining =
    "SELECT (SELECT count(*) " + kIroScope + ") + (SELECT count(*) " + kSharedScope + ")";
const std::string kCouncilPage = kEntryColumns + kCouncilScope + "ORDER BY f.seq LIMIT ?5";
const std::string kCouncilRemaining = "SELECT count(*) " + kCouncilScope;

// A page's entries are reserved up to this many at once (a device asks for
// up to its own page size; most pages are full).
constexpr std::uint32_t kReservedPageEntries = 1000;

// Text and set fields keep every version: the bases of later three-way merges.
bool keeps_versions(Kind kind, std::string_view name) {
  const FieldSpec* spec = schema_for(kind).find(name);
  return spec != nullptr && merges_three_ways(*spec);
}

void insert_version(sqlite::Database& db, std::uint64_t seq, std::string_view doc_id,
                    std::string_view name, std::span<const std::uint8_t> value) {
  db.cached("INSERT INTO field_version (seq, doc_id, name, value) VALUES (?1, ?2, ?3, ?4)")
      .bind_all(std::int64_t(seq), doc_id, name, value)
      .run();
}

}  // namespace

std::optional<std::int64_t> SqliteTxn::meta_int(std::string_view key) {
  auto statement = m_db.cached("SELECT value FROM meta WHERE key = ?1");
  statement.bind(1, key);
  if (!statement.step()) return std::nullopt;
  return statement.int64(0);
}

void SqliteTxn::set_meta(std::string_view key, std::int64_t value) {
  m_db.cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")
      .bind_all(key, value)
      .run();
}

// Counted here and saved once, before the commit: reading and writing the
// meta row for every change was a twentieth of a push's cost.
std::uint64_t SqliteTxn::next_seq() {
  if (!m_last_seq) m_last_seq = head_seq();
  m_seq_unsaved = true;
  return ++*m_last_seq;
}

std::uint64_t SqliteTxn::head_seq() {
  if (m_last_seq) return *m_last_seq;
  return std::uint64_t(meta_int("last_seq").value_or(0));
}

void SqliteTxn::save_sequence() {
  if (!m_seq_unsaved) return;
  set_meta("last_seq", std::int64_t(*m_last_seq));
  m_seq_unsaved = false;
}

void SqliteTxn::discard_unsaved_sequence() {
  if (m_seq_unsaved) m_last_seq.reset();  // read again from meta when next needed
  m_seq_unsaved = false;
}

Hlc SqliteTxn::server_hlc() {
  return Hlc{std::uint64_t(meta_int("hlc").value_or(0))};
}

void SqliteTxn::save_server_hlc(Hlc hlc) {
  if (hlc > server_hlc()) set_meta("hlc", std::int64_t(hlc.packed));
}

bool SqliteTxn::tenant_exists(std::string_view tenant) {
  auto statement = m_db.cached("SELECT 1 FROM tenant WHERE name = ?1");
  statement.bind(1, tenant);
  return statement.step();
}

void SqliteTxn::insert_tenant(std::string_view tenant, std::uint64_t now_ms) {
  m_db.cached("INSERT INTO tenant (name, created_ms) VALUES (?1, ?2)")
      .bind_all(tenant, std::int64_t(now_ms))
      .run();
}

std::optional<std::string> SqliteTxn::timescale_policy(std::string_view tenant) {
  auto statement = m_db.cached("SELECT timescale_policy FROM tenant WHERE name = ?1");
  statement.bind(1, tenant);
  if (!statement.step()) return std::nullopt;
  return statement.text(0);
}

void SqliteTxn::set_timescale_policy(std::string_view tenant, std::string_view policy) {
  m_db.cached("UPDATE tenant SET timescale_policy = ?2 WHERE name = ?1")
      .bind_all(tenant, policy)
      .run();
}

std::optional<int> SqliteTxn::lease_days(std::string_view tenant) {
  auto statement = m_db.cached("SELECT lease_days FROM tenant WHERE name = ?1");
  statement.bind(1, tenant);
  if (!statement.step()) return std::nullopt;
  return int(statement.int64(0));
}

void SqliteTxn::set_lease_days(std::string_view tenant, int days) {
  m_db.cached("UPDATE tenant SET lease_days = ?2 WHERE name = ?1")
      .bind_all(tenant, std::int64_t(days))
      .run();
}

std::optional<Bytes> SqliteTxn::lease_master_secret() {
  auto statement = m_db.cached("SELECT value FROM meta WHERE key = 'lease_master_secret'");
  if (!statement.step()) return std::nullopt;
  const auto blob = statement.blob(0);
  return Bytes(blob.begin(), blob.end());
}

void SqliteTxn::save_lease_master_secret(std::span<const std::uint8_t> secret) {
  m_db.cached("INSERT OR REPLACE INTO meta (key, value) VALUES ('lease_master_secret', ?1)")
      .bind(1, secret)
      .run();
}

std::optional<UserRow> SqliteTxn::user(std::string_view id) {
  auto statement = m_db.cached("SELECT id, tenant, name, role FROM user WHERE id = ?1");
  statement.bind(1, id);
  if (!statement.step()) return std::nullopt;
  return UserRow{statement.text(0), statement.text(1), statement.text(2),
                 static_cast<Role>(statement.int64(3))};
}

void SqliteTxn::insert_user(const UserRow& user) {
  m_db.cached("INSERT INTO user (id, tenant, name, role) VALUES (?1, ?2, ?3, ?4)")
      .bind_all(user.id, user.tenant, user.name, std::int64_t(user.role))
      .run();
}

namespace {

constexpr std::string_view kDeviceColumns =
    "id, tenant, user_id, name, token_hash, enrolled_ms, revoked_ms, collect_first, last_seen_ms, "
    "last_cursor, unsent_changes, collect_started_ms, session_id";

DeviceRow device_of(const sqlite::CachedStatement& row) {
  DeviceRow device;
  device.id = row.text(0);
  device.tenant = row.text(1);
  device.user_id = row.text(2);
  device.name = row.text(3);
  device.token_hash = row.text(4);
  device.enrolled_ms = std::uint64_t(row.int64(5));
  device.revoked_ms = optional_u64(row, 6);
  device.collect_first = row.int64(7) != 0;
  device.last_seen_ms = std::uint64_t(row.int64(8));
  device.last_cursor = std::uint64_t(row.int64(9));
  device.unsent_changes = std::uint64_t(row.int64(10));
  device.collect_started_ms = optional_u64(row, 11);
  device.session_id = row.text(12);
  return device;
}

}  // namespace

std::optional<DeviceRow> SqliteTxn::device(std::string_view id) {
  auto statement =
      m_db.cached("SELECT " + std::string(kDeviceColumns) + " FROM device WHERE id = ?1");
  statement.bind(1, id);
  if (!statement.step()) return std::nullopt;
  return device_of(statement);
}

std::optional<DeviceRow> SqliteTxn::device_by_token_hash(std::string_view token_hash) {
  auto statement =
      m_db.cached("SELECT " + std::string(kDeviceColumns) + " FROM device WHERE token_hash = ?1");
  statement.bind(1, token_hash);
  if (!statement.step()) return std::nullopt;
  return device_of(statement);
}

void SqliteTxn::put_device(const DeviceRow& device) {
  auto statement = m_db.cached("INSERT OR REPLACE INTO device (" + std::string(kDeviceColumns) +
                               ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  statement.bind_all(device.id, device.tenant, device.user_id, device.name, device.token_hash,
                     std::int64_t(device.enrolled_ms));
  bind_optional(statement, 7, device.revoked_ms);
  statement.bind(8, std::int64_t{device.collect_first});
  statement.bind(9, std::int64_t(device.last_seen_ms));
  statement.bind(10, std::int64_t(device.last_cursor));
  statement.bind(11, std::int64_t(device.unsent_changes));
  bind_optional(statement, 12, device.collect_started_ms);
  statement.bind(13, device.session_id);
  statement.run();
}

std::vector<DeviceRow> SqliteTxn::devices(std::string_view user_id) {
  auto statement = m_db.cached("SELECT " + std::string(kDeviceColumns) +
                               " FROM device WHERE ?1 = '' OR user_id = ?1 ORDER BY id");
  statement.bind(1, user_id);
  std::vector<DeviceRow> found;
  while (statement.step()) found.push_back(device_of(statement));
  return found;
}

std::vector<DeviceRow> SqliteTxn::devices_by_id(std::span<const std::string> ids) {
  std::vector<DeviceRow> found;
  for (const std::string& id : ids) {
    if (auto row = device(id)) found.push_back(*std::move(row));
  }
  return found;
}

std::optional<EnrolmentRow> SqliteTxn::enrolment(std::string_view code_hash) {
  auto statement = m_db.cached(
      "SELECT code_hash, user_id, tenant, created_ms, expires_ms, used_ms FROM enrolment "
      "WHERE code_hash = ?1");
  statement.bind(1, code_hash);
  if (!statement.step()) return std::nullopt;
  return EnrolmentRow{statement.text(0),
                      statement.text(1),
                      statement.text(2),
                      std::uint64_t(statement.int64(3)),
                      std::uint64_t(statement.int64(4)),
                      optional_u64(statement, 5)};
}

void SqliteTxn::put_enrolment(const EnrolmentRow& enrolment) {
  auto statement = m_db.cached(
      "INSERT OR REPLACE INTO enrolment (code_hash, user_id, tenant, created_ms, expires_ms, "
      "used_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  statement.bind_all(enrolment.code_hash, enrolment.user_id, enrolment.tenant,
                     std::int64_t(enrolment.created_ms), std::int64_t(enrolment.expires_ms));
  bind_optional(statement, 6, enrolment.used_ms);
  statement.run();
}

std::optional<std::string> SqliteTxn::allocated_user(std::string_view tenant,
                                                     std::string_view child_id) {
  auto statement =
      m_db.cached("SELECT user_id FROM allocation WHERE tenant = ?1 AND child_id = ?2");
  statement.bind_all(tenant, child_id);
  if (!statement.step()) return std::nullopt;
  return statement.text(0);
}

void SqliteTxn::set_allocation(std::string_view tenant, std::string_view child_id,
                               std::string_view user_id, std::uint64_t seq) {
  m_db.cached(
          "INSERT OR REPLACE INTO allocation (tenant, child_id, user_id, seq) "
          "VALUES (?1, ?2, ?3, ?4)")
      .bind_all(tenant, child_id, user_id, std::int64_t(seq))
      .run();
  feed_changed(tenant);
  // Each field row names its child's IRO (schema step 5): the pull's index.
  m_db.cached(
          "UPDATE field_state SET owner = ?3 WHERE doc_id IN "
          "(SELECT id FROM document WHERE tenant = ?1 AND child_id = ?2)")
      .bind_all(tenant, child_id, user_id)
      .run();
}

void SqliteTxn::insert_scope_removal(std::string_view tenant, std::string_view user_id,
                                     std::string_view child_id, std::uint64_t seq,
                                     std::uint64_t now_ms) {
  m_db.cached(
          "INSERT OR REPLACE INTO scope_removal (tenant, user_id, child_id, seq, removed_ms) "
          "VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind_all(tenant, user_id, child_id, std::int64_t(seq), std::int64_t(now_ms))
      .run();
  feed_changed(tenant);
}

std::optional<ScopeRemoval> SqliteTxn::scope_removal(std::string_view tenant,
                                                     std::string_view user_id,
                                                     std::string_view child_id) {
  auto statement = m_db.cached(
      "SELECT seq, removed_ms FROM scope_removal "
      "WHERE tenant = ?1 AND user_id = ?2 AND child_id = ?3");
  statement.bind_all(tenant, user_id, child_id);
  if (!statement.step()) return std::nullopt;
  return ScopeRemoval{std::uint64_t(statement.int64(0)), std::uint64_t(statement.int64(1))};
}

void SqliteTxn::resequence_child(std::string_view tenant, std::string_view child_id) {
  feed_changed(tenant);
  struct Row {
    std::string doc_id, name;
    Kind kind;
    Bytes value;
  };
  std::vector<Row> rows;
  {
    auto statement = m_db.cached(
        "SELECT f.doc_id, f.name, f.kind, f.value FROM document d "
        "JOIN field_state f ON f.doc_id = d.id WHERE d.tenant = ?1 AND d.child_id = ?2 "
        "ORDER BY f.seq");
    statement.bind_all(tenant, child_id);
    while (statement.step()) {
      const auto value = statement.blob(3);
      rows.push_back(Row{statement.text(0), statement.text(1),
                         static_cast<Kind>(statement.int64(2)), Bytes(value.begin(), value.end())});
    }
  }
  for (const Row& row : rows) {
    const std::uint64_t seq = next_seq();
    m_db.cached("UPDATE field_state SET seq = ?3 WHERE doc_id = ?1 AND name = ?2")
        .bind_all(row.doc_id, row.name, std::int64_t(seq))
        .run();
    // The new IRO's devices will edit from this number: it must name a version.
    if (keeps_versions(row.kind, row.name))
      insert_version(m_db, seq, row.doc_id, row.name, row.value);
  }
}

std::vector<std::string> SqliteTxn::removed_children(const DeviceIdentity& identity,
                                                     std::uint64_t after_seq) {
  auto statement = m_db.cached(
      "SELECT r.child_id FROM scope_removal r WHERE r.tenant = ?1 AND r.user_id = ?2 "
      "AND r.seq > ?3 AND NOT EXISTS (SELECT 1 FROM allocation a WHERE a.tenant = r.tenant "
      "AND a.child_id = r.child_id AND a.user_id = r.user_id) ORDER BY r.child_id");
  statement.bind_all(identity.tenant, identity.user_id, std::int64_t(after_seq));
  std::vector<std::string> children;
  while (statement.step()) children.push_back(statement.text(0));
  return children;
}

namespace {

DocumentRow document_of(const sqlite::CachedStatement& row) {
  return DocumentRow{row.text(0), row.text(1),       static_cast<Kind>(row.int64(2)),
                     row.text(3), row.int64(4) != 0, std::uint64_t(row.int64(5)),
                     row.text(6)};
}

}  // namespace

std::optional<DocumentRow> SqliteTxn::document(std::string_view tenant, std::string_view id) {
  auto statement = m_db.cached(
      "SELECT id, tenant, kind, child_id, deleted, created_seq, created_by FROM document "
      "WHERE id = ?1 AND tenant = ?2");
  statement.bind_all(id, tenant);
  if (!statement.step()) return std::nullopt;
  return document_of(statement);
}

bool SqliteTxn::record_id_taken(std::string_view id) {
  auto statement = m_db.cached("SELECT 1 FROM document WHERE id = ?1");
  statement.bind(1, id);
  return statement.step();
}

std::optional<DocumentRow> SqliteTxn::child_record(std::string_view tenant,
                                                   std::string_view child_id) {
  auto statement = m_db.cached(
      "SELECT id, tenant, kind, child_id, deleted, created_seq, created_by FROM document "
      "WHERE tenant = ?1 AND child_id = ?2 AND kind = 1");
  statement.bind_all(tenant, child_id);
  if (!statement.step()) return std::nullopt;
  return document_of(statement);
}

void SqliteTxn::put_document(const DocumentRow& document) {
  m_db.cached(
          "INSERT INTO document (id, tenant, kind, child_id, deleted, created_seq, created_by) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
          // A record keeps its council, kind and child for good: only its
          // deleted flag changes, and never from another council.
          "ON CONFLICT (id) DO UPDATE SET deleted = excluded.deleted "
          "WHERE document.tenant = excluded.tenant")
      .bind_all(document.id, document.tenant, std::int64_t(document.kind), document.child_id,
                std::int64_t{document.deleted}, std::int64_t(document.created_seq),
                document.created_by)
      .run();
}

std::optional<FieldRow> SqliteTxn::field(std::string_view tenant, std::string_view doc_id,
                                         std::string_view name) {
  auto statement = m_db.cached(
      "SELECT value, hlc, device_id, seq FROM field_state "
      "WHERE doc_id = ?1 AND name = ?2 AND tenant = ?3");
  statement.bind_all(doc_id, name, tenant);
  if (!statement.step()) return std::nullopt;
  return FieldRow{value_of(statement, 0), Hlc{std::uint64_t(statement.int64(1))}, statement.text(2),
                  std::uint64_t(statement.int64(3))};
}

FieldMap SqliteTxn::fields(std::string_view tenant, std::string_view doc_id) {
  auto statement = m_db.cached(
      "SELECT name, value FROM field_state WHERE doc_id = ?1 AND tenant = ?2 AND name <> '' "
      "AND instr(name, '#') = 0");
  statement.bind_all(doc_id, tenant);
  FieldMap fields;
  while (statement.step()) {
    Value value = value_of(statement, 1);
    if (!is_unset(value)) fields.emplace(statement.text(0), std::move(value));
  }
  return fields;
}

void SqliteTxn::put_field(const DocumentRow& document, std::string_view name,
                          const FieldRow& field) {
  const Bytes value = encode_value(field.value);
  if (keeps_versions(document.kind, name)) {
    insert_version(m_db, field.seq, document.id, name, std::span<const std::uint8_t>(value));
  }
  m_db.cached(
          "INSERT OR REPLACE INTO field_state (doc_id, name, tenant, child_id, kind, value, hlc, "
          "device_id, seq, owner) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
          "(SELECT user_id FROM allocation WHERE tenant = ?3 AND child_id = ?4))")
      .bind_all(document.id, name, document.tenant, document.child_id, std::int64_t(document.kind),
                std::span<const std::uint8_t>(value), std::int64_t(field.hlc.packed),
                field.device_id, std::int64_t(field.seq))
      .run();
  feed_changed(document.tenant);
}

std::optional<Value> SqliteTxn::field_version(std::string_view tenant, std::string_view doc_id,
                                              std::string_view name, std::uint64_t seq) {
  // field_version has no tenant of its own: its record's row says whose it is.
  auto statement = m_db.cached(
      "SELECT v.value FROM field_version v JOIN document d ON d.id = v.doc_id "
      "WHERE v.seq = ?1 AND v.doc_id = ?2 AND v.name = ?3 AND d.tenant = ?4");
  statement.bind_all(std::int64_t(seq), doc_id, name, tenant);
  if (!statement.step()) return std::nullopt;
  return value_of(statement, 0);
}

std::uint64_t SqliteTxn::newest_field_seq(std::string_view tenant, std::string_view doc_id,
                                          std::string_view except_device) {
  // Edits only: not the deleted flag (a restore is no edit), nor a resolved
  // conflict; an open conflict is someone's words, and counts.
  static const Bytes kUnset = encode_value(Value{});
  auto statement = m_db.cached(
      "SELECT coalesce(max(seq), 0) FROM field_state WHERE doc_id = ?1 AND tenant = ?4 "
      "AND name <> '' AND NOT (instr(name, '#') > 0 AND value = ?2) AND device_id <> ?3");
  statement.bind_all(doc_id, std::span<const std::uint8_t>(kUnset), except_device, tenant);
  statement.step();
  return std::uint64_t(statement.int64(0));
}

namespace {

constexpr std::string_view kHistoryColumns =
    "tenant, doc_id, kind, child_id, op, field, value, hlc, base, outcome, seq, stamped_hlc, "
    "reason, received_ms, device_id, device_seq";

HistoryRow history_of(const sqlite::CachedStatement& statement) {
  HistoryRow row;
  row.tenant = statement.text(0);
  row.change.doc_id = statement.text(1);
  row.change.kind = static_cast<Kind>(statement.int64(2));
  row.change.child_id = statement.text(3);
  row.change.op = static_cast<ChangeOp>(statement.int64(4));
  row.change.field = statement.text(5);
  row.change.value = value_of(statement, 6);
  row.change.hlc = Hlc{std::uint64_t(statement.int64(7))};
  row.change.base = std::uint64_t(statement.int64(8));
  row.outcome = static_cast<PushOutcome>(statement.int64(9));
  row.seq = optional_u64(statement, 10).value_or(0);
  row.stamped_hlc = Hlc{std::uint64_t(statement.int64(11))};
  row.reason = statement.text(12);
  row.received_ms = std::uint64_t(statement.int64(13));
  row.change.device_id = statement.text(14);
  row.device_seq = optional_u64(statement, 15);
  row.change.device_seq = row.device_seq.value_or(0);
  return row;
}

}  // namespace

std::optional<HistoryRow> SqliteTxn::history_for(std::string_view device_id,
                                                 std::uint64_t device_seq) {
  auto statement = m_db.cached("SELECT " + std::string(kHistoryColumns) +
                               " FROM history WHERE device_id = ?1 AND device_seq = ?2");
  statement.bind_all(device_id, std::int64_t(device_seq));
  if (!statement.step()) return std::nullopt;
  return history_of(statement);
}

std::vector<HistoryRow> SqliteTxn::quarantine(std::string_view tenant, std::size_t limit) {
  auto statement = m_db.cached("SELECT " + std::string(kHistoryColumns) +
                               " FROM history WHERE outcome = ?1 AND (?2 = '' OR tenant = ?2) "
                               "ORDER BY id DESC LIMIT ?3");
  statement.bind_all(std::int64_t(PushOutcome::refused), tenant, std::int64_t(limit));
  std::vector<HistoryRow> rows;
  while (statement.step()) rows.push_back(history_of(statement));
  return rows;
}

void SqliteTxn::append_history(const HistoryRow& row) {
  const Bytes value = encode_value(row.change.value);
  auto statement = m_db.cached(
      "INSERT INTO history (received_ms, tenant, device_id, device_seq, doc_id, kind, child_id, "
      "op, field, value, hlc, base, outcome, seq, stamped_hlc, reason) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
  statement.bind_all(std::int64_t(row.received_ms), row.tenant, row.change.device_id);
  bind_optional(statement, 4, row.device_seq);
  statement.bind(5, row.change.doc_id);
  statement.bind(6, std::int64_t(row.change.kind));
  statement.bind(7, row.change.child_id);
  statement.bind(8, std::int64_t(row.change.op));
  statement.bind(9, row.change.field);
  statement.bind(10, std::span<const std::uint8_t>(value));
  statement.bind(11, std::int64_t(row.change.hlc.packed));
  statement.bind(12, std::int64_t(row.change.base));
  statement.bind(13, std::int64_t(row.outcome));
  bind_optional(statement, 14, row.seq ? std::optional(row.seq) : std::nullopt);
  statement.bind(15, std::int64_t(row.stamped_hlc.packed));
  statement.bind(16, row.reason);
  statement.run();
}

namespace {

// An empty string is stored as NULL: "not known" or "about no one child".
void bind_text_or_null(sqlite::CachedStatement& statement, int index, const std::string& text) {
  if (text.empty()) {
    statement.bind_null(index);
  } else {
    statement.bind(index, text);
  }
}

std::string text_or_empty(const sqlite::CachedStatement& statement, int column) {
  return statement.is_null(column) ? std::string() : statement.text(column);
}

}  // namespace

void SqliteTxn::append_audit(const AuditRow& row) {
  auto statement = m_db.cached(
      "INSERT INTO audit (time_ms, tenant, actor, user_id, device_id, remote, action, child_id, "
      "doc_id, outcome, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  statement.bind(1, std::int64_t(row.time_ms));
  bind_text_or_null(statement, 2, row.tenant);
  statement.bind(3, row.actor);
  bind_text_or_null(statement, 4, row.user_id);
  bind_text_or_null(statement, 5, row.device_id);
  bind_text_or_null(statement, 6, row.remote);
  statement.bind(7, row.action);
  bind_text_or_null(statement, 8, row.child_id);
  bind_text_or_null(statement, 9, row.doc_id);
  statement.bind(10, row.outcome);
  statement.bind(11, row.detail);
  statement.run();
}

std::vector<AuditRow> SqliteTxn::audit_log(const AuditQuery& query) {
  // Only the filters given go into the query, so each can use its index; the
  // newest `limit` matches are taken, then put back in order.
  std::string where;
  const auto filter = [&](bool given, const char* condition) {
    if (!given) return;
    where += where.empty() ? " WHERE " : " AND ";
    where += condition;
  };
  filter(!query.child_id.empty(), "child_id = ?1");
  filter(!query.user_id.empty(), "user_id = ?2");
  filter(!query.device_id.empty(), "device_id = ?3");
  filter(!query.tenant.empty(), "tenant = ?4");
  filter(query.since_ms.has_value(), "time_ms >= ?5");
  auto statement = m_db.cached(
      "SELECT * FROM (SELECT id, time_ms, tenant, actor, user_id, device_id, remote, action, "
      "child_id, doc_id, outcome, detail FROM audit" +
      where + " ORDER BY id DESC LIMIT ?6) ORDER BY id");
  statement.bind_all(query.child_id, query.user_id, query.device_id, query.tenant,
                     std::int64_t(query.since_ms.value_or(0)),
                     query.limit == 0 ? std::int64_t(-1) : std::int64_t(query.limit));
  std::vector<AuditRow> rows;
  while (statement.step()) {
    AuditRow& row = rows.emplace_back();
    row.id = std::uint64_t(statement.int64(0));
    row.time_ms = std::uint64_t(statement.int64(1));
    row.tenant = text_or_empty(statement, 2);
    row.actor = statement.text(3);
    row.user_id = text_or_empty(statement, 4);
    row.device_id = text_or_empty(statement, 5);
    row.remote = text_or_empty(statement, 6);
    row.action = statement.text(7);
    row.child_id = text_or_empty(statement, 8);
    row.doc_id = text_or_empty(statement, 9);
    row.outcome = statement.text(10);
    row.detail = statement.text(11);
  }
  return rows;
}

Changes SqliteTxn::pull_page(const DeviceIdentity& identity, std::uint64_t cursor,
                             std::uint32_t limit) {
  const bool whole_council = identity.role != Role::iro;
  Changes page;
  page.entries.reserve(std::min<std::uint32_t>(limit, kReservedPageEntries));
  {
    auto rows = m_db.cached(whole_council ? kCouncilPage : kIroPage);
    rows.bind_all(identity.tenant, identity.user_id, std::int64_t(cursor), identity.device_id,
                  std::int64_t(limit));
    while (rows.step()) page.entries.push_back(entry_of(rows));
  }
  const std::uint64_t last = page.entries.empty() ? cursor : page.entries.back().server_seq;
  auto remaining = m_db.cached(whole_council ? kCouncilRemaining : kIroRemaining);
  remaining.bind_all(identity.tenant, identity.user_id, std::int64_t(last), identity.device_id);
  remaining.step();
  page.remaining = std::uint64_t(remaining.int64(0));
  page.more = page.remaining > 0;
  // Nothing more in scope: skip past everything else committed so far.
  page.next_cursor = page.more ? last : std::max(last, head_seq());
  return page;
}

std::vector<Document> SqliteTxn::documents_in_scope(const DeviceIdentity& identity) {
  return scoped_documents(identity, std::nullopt);
}

std::vector<Document> SqliteTxn::documents_in_scope(const DeviceIdentity& identity, Kind kind) {
  return scoped_documents(identity, kind);
}

std::vector<Document> SqliteTxn::scoped_documents(const DeviceIdentity& identity,
                                                  std::optional<Kind> kind) {
  auto statement = m_db.cached(
      "SELECT d.id, d.kind, d.child_id, d.deleted, f.name, f.value, f.device_id, f.hlc "
      "FROM document d "
      "LEFT JOIN field_state f ON f.doc_id = d.id AND f.name <> '' "
      "WHERE d.tenant = ?1 AND (?2 IS NULL OR d.child_id = '' OR d.child_id IN "
      "(SELECT child_id FROM allocation WHERE tenant = ?1 AND user_id = ?2)) "
      "AND (?3 IS NULL OR d.kind = ?3) "
      "ORDER BY d.id, f.name");
  statement.bind(1, identity.tenant);
  if (identity.role == Role::iro) {
    statement.bind(2, identity.user_id);
  } else {
    statement.bind_null(2);
  }
  if (kind) {
    statement.bind(3, std::int64_t(*kind));
  } else {
    statement.bind_null(3);
  }
  std::vector<Document> documents;
  while (statement.step()) {
    std::string id = statement.text(0);
    if (documents.empty() || documents.back().id != id) {
      Document& document = documents.emplace_back();
      document.id = std::move(id);
      document.kind = static_cast<Kind>(statement.int64(1));
      document.child_id = statement.text(2);
      document.deleted = statement.int64(3) != 0;
    }
    if (statement.is_null(4)) continue;
    Value value = value_of(statement, 5);
    if (is_unset(value)) continue;  // a cleared field, or a resolved conflict
    std::string name = statement.text(4);
    if (is_conflict_slot(name)) {
      std::string field(field_of_slot(name));
      documents.back().conflicts.push_back(Conflict{std::move(name), std::move(field),
                                                    std::move(value), statement.text(6),
                                                    Hlc{std::uint64_t(statement.int64(7))}});
    } else {
      documents.back().fields.emplace(std::move(name), std::move(value));
    }
  }
  return documents;
}

}  // namespace iro::server
