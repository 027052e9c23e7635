#include "iro/store.hpp"

#include "iro/error.hpp"
#include "iro/hlc.hpp"
#include "iro/uuid.hpp"
#include "iro/validation.hpp"
#include "store/device_schema.hpp"
#include "store/document_rows.hpp"
#include "store/sqlite.hpp"

namespace iro {
namespace {

constexpr std::string_view kDeviceIdKey = "device_id";
constexpr std::string_view kHlcKey = "hlc";

void configure(sqlite::Database& db, bool durable) {
  // WAL: readers never block the writer, and a crash mid-commit leaves the
  // last committed state. synchronous=FULL also makes each commit survive
  // power loss; NORMAL only a process crash.
  if (db.query_text("PRAGMA journal_mode = WAL") != "wal") {
    throw Error(ErrorCode::storage_failure, "the store's file system does not support WAL");
  }
  db.execute(durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  db.execute("PRAGMA foreign_keys = ON");
}

[[noreturn]] void refuse(const std::string& message) {
  throw Error(ErrorCode::invalid_input, message);
}

}  // namespace

struct DeviceStore::Impl {
  Impl(const std::filesystem::path& path, const StoreOptions& options)
      : db(path), wall(options.clock ? *options.clock : system_clock()), clock(wall) {}

  // Another process may have written to the store since this one last did;
  // catch up with the timestamp it stored so ours never go backwards.
  void catch_up_clock() {
    clock.catch_up(Hlc{std::uint64_t(rows::meta_int(db, kHlcKey).value_or(0))});
  }

  void save_clock() { rows::set_meta(db, kHlcKey, std::int64_t(clock.last().packed)); }

  // The next timestamp, after anything this or another process stored.
  Hlc tick() {
    catch_up_clock();
    const Hlc now = clock.tick();
    save_clock();
    return now;
  }

  Change change_for(const Document& document, ChangeOp op, std::string field, Value value,
                    Hlc hlc) {
    Change change;
    change.doc_id = document.id;
    change.kind = document.kind;
    change.child_id = document.child_id;
    change.op = op;
    change.base = op == ChangeOp::set_field ? rows::field_server_seq(db, document.id, field) : 0;
    change.field = std::move(field);
    change.value = std::move(value);
    change.hlc = hlc;
    change.device_id = device_id;
    return change;
  }

  Document existing_editable(std::string_view doc_id) {
    std::optional<Document> document = rows::load_document(db, doc_id);
    if (!document) throw Error(ErrorCode::not_found, "no document " + std::string(doc_id));
    if (document->deleted) {
      throw Error(ErrorCode::not_found, "document " + std::string(doc_id) + " is deleted");
    }
    if (document->locked()) {
      const KindSchema& schema = schema_for(document->kind);
      throw Error(ErrorCode::record_locked,
                  std::string(to_string(document->kind)) + " " + document->id + " is " +
                      std::string(schema.locked_status) +
                      " and cannot change; record an addendum instead");
    }
    return *std::move(document);
  }

  sqlite::Database db;
  Clock& wall;
  HybridClock clock;
  UuidV7Generator ids;
  std::string device_id;
};

DeviceStore::DeviceStore(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
DeviceStore::~DeviceStore() = default;

std::unique_ptr<DeviceStore> DeviceStore::open(const std::filesystem::path& path,
                                               StoreOptions options) {
  auto impl = std::make_unique<Impl>(path, options);
  configure(impl->db, options.durable);
  migrate_device_schema(impl->db);

  sqlite::Transaction transaction(impl->db);
  if (auto id = rows::meta_text(impl->db, kDeviceIdKey)) {
    impl->device_id = *id;
  } else {
    impl->device_id = impl->ids.next(impl->wall.now_ms());
    rows::set_meta(impl->db, kDeviceIdKey, impl->device_id);
    rows::set_meta(impl->db, "created_ms", std::int64_t(impl->wall.now_ms()));
  }
  transaction.commit();
  return std::unique_ptr<DeviceStore>(new DeviceStore(std::move(impl)));
}

const std::string& DeviceStore::device_id() const noexcept { return m_impl->device_id; }

int DeviceStore::schema_version() const { return device_schema_version(m_impl->db); }

std::string DeviceStore::create(Kind kind, std::string_view child_id, const FieldMap& fields) {
  const KindSchema& schema = schema_for(kind);
  if (schema.creator == Writer::server_only) {
    refuse(std::string(to_string(kind)) +
           " records come from the server; a device cannot create one");
  }
  if (!is_valid_child_id(child_id)) {
    refuse("\"" + std::string(child_id.substr(0, 64)) +
           "\" is not a child id (1-64 letters, digits, '-', '_' or '.')");
  }

  Document document;
  document.kind = kind;
  document.child_id = std::string(child_id);
  for (const auto& [name, value] : fields) {
    const FieldSpec& spec = require_field(schema, name, Writer::device_and_server);
    validate_value(schema, name, spec, value);
    if (!is_unset(value)) document.fields.emplace(name, value);
  }
  if (!schema.initial_status.empty() && !document.fields.contains(kStatusField)) {
    document.fields.emplace(std::string(kStatusField), std::string(schema.initial_status));
  }
  if (document.fields.empty()) {
    refuse("a new " + std::string(to_string(kind)) + " needs at least one field");
  }

  Impl& self = *m_impl;
  sqlite::Transaction transaction(self.db);
  validate_cross_field_rules(document, {rows::child_date_of_birth(self.db, child_id)});
  const Hlc hlc = self.tick();
  document.id = self.ids.next(self.wall.now_ms());
  rows::insert_document(self.db, document, hlc);
  for (const auto& [name, value] : document.fields) {
    rows::write_field(self.db, document.id, name, value, hlc);
    rows::record_change(self.db, self.change_for(document, ChangeOp::set_field, name, value, hlc));
  }
  transaction.commit();
  return document.id;
}

void DeviceStore::edit(std::string_view doc_id, const FieldMap& fields) {
  Impl& self = *m_impl;
  sqlite::Transaction transaction(self.db);
  const Document current = self.existing_editable(doc_id);
  const KindSchema& schema = schema_for(current.kind);

  Document proposed = current;
  FieldMap changed;
  for (const auto& [name, value] : fields) {
    const FieldSpec& spec = require_field(schema, name, Writer::device_and_server);
    validate_value(schema, name, spec, value);
    const Value* before = current.field(name);
    const Value unset;
    validate_status_step(schema, spec, before ? *before : unset, value);
    if ((before ? *before : unset) == value) continue;
    changed.insert_or_assign(name, value);
    if (is_unset(value)) {
      proposed.fields.erase(name);
    } else {
      proposed.fields.insert_or_assign(name, value);
    }
  }
  if (changed.empty()) return;  // nothing new: no clock tick, no outbox entry

  validate_cross_field_rules(proposed, {rows::child_date_of_birth(self.db, current.child_id)});
  const Hlc hlc = self.tick();
  rows::touch_document(self.db, current.id, hlc);
  for (const auto& [name, value] : changed) {
    rows::write_field(self.db, current.id, name, value, hlc);
    rows::record_change(self.db, self.change_for(current, ChangeOp::set_field, name, value, hlc));
  }
  transaction.commit();
}

void DeviceStore::remove(std::string_view doc_id) {
  Impl& self = *m_impl;
  sqlite::Transaction transaction(self.db);
  const Document current = self.existing_editable(doc_id);
  const Hlc hlc = self.tick();
  rows::set_document_deleted(self.db, current.id, true, hlc);
  rows::record_change(self.db, self.change_for(current, ChangeOp::delete_document, "", {}, hlc));
  transaction.commit();
}

std::optional<Document> DeviceStore::get(std::string_view doc_id) const {
  return rows::load_document(m_impl->db, doc_id);
}

std::vector<Document> DeviceStore::query(const DocumentQuery& query) const {
  return rows::load_documents(m_impl->db, query);
}

std::vector<Change> DeviceStore::outbox() const {
  return rows::load_outbox(m_impl->db, m_impl->device_id);
}

std::size_t DeviceStore::outbox_size() const { return rows::outbox_size(m_impl->db); }

void DeviceStore::apply_server_changes(std::span<const ServerChange> changes) {
  Impl& self = *m_impl;
  sqlite::Transaction transaction(self.db);
  self.catch_up_clock();
  for (const ServerChange& incoming : changes) {
    const Change& change = incoming.change;
    self.clock.observe(change.hlc);
    if (!rows::load_document(self.db, change.doc_id)) {
      Document document;
      document.id = change.doc_id;
      document.kind = change.kind;
      document.child_id = change.child_id;
      rows::insert_document(self.db, document, change.hlc);
    }
    if (change.op == ChangeOp::delete_document) {
      rows::set_document_deleted(self.db, change.doc_id, true, change.hlc);
      continue;
    }
    rows::touch_document(self.db, change.doc_id, change.hlc);
    // A local edit waiting in the outbox wins on the device until the server
    // has merged it; the push carries its base, so nothing is lost either way.
    if (rows::has_pending_change(self.db, change.doc_id, change.field)) continue;
    rows::write_field(self.db, change.doc_id, change.field, change.value, change.hlc,
                      incoming.server_seq);
  }
  self.save_clock();
  transaction.commit();
}

DeviceStatus DeviceStore::status() const {
  sqlite::Database& db = m_impl->db;
  DeviceStatus status;
  status.device_id = m_impl->device_id;
  status.tenant = rows::meta_text(db, "tenant").value_or("");
  status.user_id = rows::meta_text(db, "user_id").value_or("");
  status.server = rows::meta_text(db, "server").value_or("");
  status.pending_changes = rows::outbox_size(db);
  if (auto last_sync = rows::meta_int(db, "last_sync_ms")) {
    status.last_sync_ms = static_cast<std::uint64_t>(*last_sync);
  }
  status.schema_version = device_schema_version(db);
  return status;
}

void DeviceStore::set_tenant(std::string_view tenant) {
  sqlite::Transaction transaction(m_impl->db);
  rows::set_meta(m_impl->db, "tenant", tenant);
  transaction.commit();
}

}  // namespace iro
