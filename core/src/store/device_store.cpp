#include "iro/store.hpp"

#include "iro/blob.hpp"
#include "iro/error.hpp"
#include "iro/form_template.hpp"
#include "iro/hlc.hpp"
#include "iro/uuid.hpp"
#include "iro/validation.hpp"
#include "store/blob_rows.hpp"
#include "store/cipher.hpp"
#include "store/device_schema.hpp"
#include "store/device_store_impl.hpp"
#include "store/file_wipe.hpp"
#include "store/outbox_rows.hpp"
#include "store/server_settings.hpp"
#include "store/store_key.hpp"

namespace iro {
namespace {

// True when the file already holds a device store (of any schema version):
// then a key given to open must be the one it was made with.
bool holds_device_store(sqlite::Database& db) {
  const int version = device_schema_version(db);
  // A newer schema is migrate's to refuse, with its own message.
  return version > 0 && version <= kDeviceSchemaVersion &&
         db.query_int("PRAGMA application_id") == kDeviceStoreApplicationId &&
         rows::meta_text(db, kDeviceIdKey).has_value();
}

void configure(sqlite::Database& db, bool durable) {
  // WAL: readers never block the writer, and a crash mid-commit leaves the
  // last committed state. synchronous=FULL also makes each commit survive
  // power loss; NORMAL only a process crash.
  if (db.query_text("PRAGMA journal_mode = WAL") != "wal") {
    throw Error(ErrorCode::storage_failure, "the store's file system does not support WAL");
  }
  db.execute(durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  db.execute("PRAGMA foreign_keys = ON");
  // Deleted and overwritten rows are zeroed in their pages, not left in the
  // file's free space: a purged child's records (ScopeChanged), an edited
  // note's earlier words, a lease's deleted secret. Costs a little on each
  // write; a store holds nothing it should keep once deleted.
  db.execute("PRAGMA secure_delete = ON");
}

}  // namespace

namespace {

Change change_for(const std::string& device_id, const Document& document, ChangeOp op,
                  std::string field, Value value, Hlc hlc, std::uint64_t base) {
  Change change;
  change.doc_id = document.id;
  change.kind = document.kind;
  change.child_id = document.child_id;
  change.op = op;
  change.field = std::move(field);
  change.value = std::move(value);
  change.hlc = hlc;
  change.device_id = device_id;
  change.base = base;
  return change;
}

Document existing_editable(DeviceStore::Impl& self, std::string_view doc_id) {
  std::optional<Document> document = rows::load_document(self.db, self.keys.records, doc_id);
  if (!document) throw Error(ErrorCode::not_found, "no document " + std::string(doc_id));
  if (document->deleted) {
    throw Error(ErrorCode::not_found, "document " + std::string(doc_id) + " is deleted");
  }
  if (document->locked()) {
    const KindSchema& schema = schema_for(document->kind);
    throw Error(ErrorCode::record_locked, std::string(to_string(document->kind)) + " " +
                                              document->id + " is " +
                                              std::string(schema.locked_status) +
                                              " and cannot change; record an addendum instead");
  }
  return *std::move(document);
}

}  // namespace
DeviceStore::DeviceStore(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
DeviceStore::~DeviceStore() = default;

std::unique_ptr<DeviceStore> DeviceStore::open(const std::filesystem::path& path,
                                               StoreOptions options) {
  // However open ends, this copy of the host's key is wiped: only the keys
  // derived from it stay, in impl->keys.
  struct WipeOnReturn {
    std::optional<EncryptionKey>& key;
    ~WipeOnReturn() {
      if (key) crypto::wipe(*key);
    }
  } wipe_host_key{options.encryption_key};

  auto impl = std::make_unique<Impl>(path, options);
  configure(impl->db, options.durable);
  // The key is checked before any upgrade: a refused key leaves the file as it was.
  if (holds_device_store(impl->db)) unlock_store(impl->db, options.encryption_key);
  migrate_device_schema(impl->db);

  sqlite::Transaction transaction(impl->db);
  if (auto id = rows::meta_text(impl->db, kDeviceIdKey)) {
    impl->device_id = *id;
    impl->keys = unlock_store(impl->db, options.encryption_key);
    if (options.encryption_key) upgrade_store_format(impl->db, *options.encryption_key, impl->keys);
  } else {
    // A new store: its id and its key check are written together, so a crash
    // in between leaves a file that is set up afresh on the next open.
    impl->device_id = impl->ids.next(impl->wall.now_ms());
    rows::set_meta(impl->db, kDeviceIdKey, impl->device_id);
    rows::set_meta(impl->db, "created_ms", std::int64_t(impl->wall.now_ms()));
    impl->keys = set_up_store_key(impl->db, options.encryption_key);
    impl->created = true;
  }
  transaction.commit();
  // A leased store opens locked once its lease has run out (lease.hpp).
  impl->refresh_lease();
  return std::unique_ptr<DeviceStore>(new DeviceStore(std::move(impl)));
}

const std::string& DeviceStore::device_id() const noexcept {
  return m_impl->device_id;
}

bool DeviceStore::created() const noexcept {
  return m_impl->created;
}

bool DeviceStore::encrypted() const noexcept {
  return m_impl->keys.encrypted;
}

int DeviceStore::schema_version() const {
  return device_schema_version(m_impl->db);
}

namespace {

// A consultation's answers must fit the template version it was started on,
// when the device holds that template (it may not have pulled it yet: then
// the server checks).
void check_consultation_template(DeviceStore::Impl& self, const Document& proposed) {
  if (proposed.kind != Kind::consultation) return;
  const Value* template_id = proposed.field("template_id");
  const std::string* id = template_id ? std::get_if<std::string>(template_id) : nullptr;
  if (!id) return;
  const std::optional<Document> form = rows::load_document(self.db, self.keys.records, *id);
  if (form && !form->deleted && form->kind == Kind::form_template) {
    validate_consultation(proposed, *form);
  }
}

// The record as it will be saved: checked field by field, with the kind's
// initial status. Throws Error(invalid_input) when it cannot be created.
Document new_document(Kind kind, std::string_view child_id, const FieldMap& fields) {
  const KindSchema& schema = schema_for(kind);
  if (schema.creator == Writer::server_only) {
    throw Error(ErrorCode::invalid_input, std::string(to_string(kind)) +
                                              " records come from the server; a device cannot "
                                              "create one");
  }
  if (!is_valid_child_id(child_id)) {
    throw Error(ErrorCode::invalid_input,
                "\"" + std::string(child_id.substr(0, 64)) +
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
    throw Error(ErrorCode::invalid_input,
                "a new " + std::string(to_string(kind)) + " needs at least one field");
  }
  return document;
}

// The record's fields in the order its kind's schema lists them, which is
// the order its changes reach the server: a consultation's template_id
// before its answers, so the server checks each answer against it.
std::vector<std::pair<std::string, Value>> in_schema_order(const Document& document) {
  const KindSchema& schema = schema_for(document.kind);
  const auto rank = [&](const std::string& name) {
    const FieldSpec* spec = schema.find(name);
    return spec ? spec - schema.fields.data() : std::ptrdiff_t(schema.fields.size());
  };
  std::vector<std::pair<std::string, Value>> fields(document.fields.begin(), document.fields.end());
  std::stable_sort(fields.begin(), fields.end(),
                   [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
  return fields;
}

// Checks the rules that need the store, then writes the record and its
// outbox changes. The caller holds the transaction.
std::string insert_new_document(DeviceStore::Impl& self, Document document) {
  validate_cross_field_rules(
      document, {rows::child_date_of_birth(self.db, self.keys.records, document.child_id)});
  check_consultation_template(self, document);
  const Hlc hlc = self.tick();
  document.id = self.ids.next(self.wall.now_ms());
  rows::insert_document(self.db, document, hlc);
  for (const auto& [name, value] : in_schema_order(document)) {
    rows::write_field(self.db, self.keys.records, document.id, name, value, hlc);
    rows::record_change(
        self.db, self.keys.records,
        change_for(self.device_id, document, ChangeOp::set_field, name, value, hlc, 0));
  }
  return document.id;
}

}  // namespace

std::string DeviceStore::create(Kind kind, std::string_view child_id, const FieldMap& fields) {
  m_impl->require_records();
  Document document = new_document(kind, child_id, fields);
  sqlite::Transaction transaction(m_impl->db);
  std::string id = insert_new_document(*m_impl, std::move(document));
  transaction.commit();
  return id;
}

std::vector<CreateResult> DeviceStore::create_batch(std::span<const NewRecord> records) {
  m_impl->require_records();
  std::vector<CreateResult> results(records.size());
  sqlite::Transaction transaction(m_impl->db);
  for (std::size_t i = 0; i < records.size(); ++i) {
    try {
      results[i].id = insert_new_document(
          *m_impl, new_document(records[i].kind, records[i].child_id, records[i].fields));
    } catch (const Error& error) {
      // Refused before anything was written; storage failures abort the batch.
      if (error.code() != ErrorCode::invalid_input) throw;
      results[i].error = error.what();
    }
  }
  transaction.commit();
  return results;
}

namespace {

// A record may point only at attachments the device holds whole, or at ones
// it already pointed at (another device's drawing still on its way here).
void check_attachments_held(DeviceStore::Impl& self, const Document& current,
                            const FieldMap& changed) {
  const auto proposed = changed.find(std::string(kAttachmentsField));
  if (proposed == changed.end() || is_unset(proposed->second)) return;
  const Value* before = current.field(kAttachmentsField);
  const auto* had = before ? std::get_if<StringSet>(before) : nullptr;
  for (const std::string& hash : std::get<StringSet>(proposed->second)) {
    if (had && std::binary_search(had->begin(), had->end(), hash)) continue;
    const std::optional<AttachmentInfo> blob = rows::blob_info(self.db, hash);
    if (!blob || (blob->state != AttachmentState::local && blob->state != AttachmentState::held)) {
      throw Error(ErrorCode::invalid_input, std::string(to_string(current.kind)) +
                                                ".attachments: attachment " + hash.substr(0, 12) +
                                                "... is not on this device; attach the file");
    }
  }
}

}  // namespace

// edit() inside the caller's transaction.
void apply_edit(DeviceStore::Impl& self, std::string_view doc_id, const FieldMap& fields) {
  const Document current = existing_editable(self, doc_id);
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
  if (changed.empty()) return;  // nothing new: no clock tick, no outbox entry (caller commits)
  check_attachments_held(self, current, changed);

  validate_cross_field_rules(
      proposed, {rows::child_date_of_birth(self.db, self.keys.records, current.child_id)});
  check_consultation_template(self, proposed);
  const Hlc hlc = self.tick();
  rows::touch_document(self.db, current.id, hlc);
  for (const auto& [name, value] : changed) {
    rows::write_field(self.db, self.keys.records, current.id, name, value, hlc);
    const std::uint64_t base = rows::field_server_seq(self.db, current.id, name);
    rows::record_change(
        self.db, self.keys.records,
        change_for(self.device_id, current, ChangeOp::set_field, name, value, hlc, base));
  }
}

void DeviceStore::edit(std::string_view doc_id, const FieldMap& fields) {
  m_impl->require_records();
  sqlite::Transaction transaction(m_impl->db);
  apply_edit(*m_impl, doc_id, fields);
  transaction.commit();
}

void DeviceStore::resolve_conflict(std::string_view doc_id, std::string_view slot,
                                   std::optional<Value> field_value) {
  Impl& self = *m_impl;
  self.require_records();
  sqlite::Transaction transaction(self.db);
  const std::optional<Document> document = rows::load_document(self.db, self.keys.records, doc_id);
  const auto slot_seq = document ? rows::conflict_server_seq(self.db, doc_id, slot) : std::nullopt;
  if (!slot_seq) {
    throw Error(ErrorCode::not_found,
                "no conflict " + std::string(slot) + " on record " + std::string(doc_id));
  }
  if (field_value) apply_edit(self, doc_id, {{std::string(field_of_slot(slot)), *field_value}});
  const Hlc hlc = self.tick();
  rows::delete_conflict(self.db, doc_id, slot);
  rows::record_change(self.db, self.keys.records,
                      change_for(self.device_id, *document, ChangeOp::set_field, std::string(slot),
                                 Value{}, hlc, *slot_seq));
  transaction.commit();
}

void DeviceStore::remove(std::string_view doc_id) {
  Impl& self = *m_impl;
  self.require_records();
  sqlite::Transaction transaction(self.db);
  const Document current = existing_editable(self, doc_id);
  const Hlc hlc = self.tick();
  rows::set_document_deleted(self.db, current.id, true, hlc);
  // The base of a delete is the newest server version the device had of any
  // field: an edit the server has beyond it was unseen, and wins.
  const std::uint64_t base = rows::document_server_seq(self.db, current.id);
  rows::record_change(
      self.db, self.keys.records,
      change_for(self.device_id, current, ChangeOp::delete_document, "", {}, hlc, base));
  transaction.commit();
}

std::optional<Document> DeviceStore::get(std::string_view doc_id) const {
  m_impl->require_records();
  return rows::load_document(m_impl->db, m_impl->keys.records, doc_id);
}

std::vector<Document> DeviceStore::query(const DocumentQuery& query) const {
  m_impl->require_records();
  return rows::load_documents(m_impl->db, m_impl->keys.records, query);
}

std::vector<Change> DeviceStore::outbox() const {
  m_impl->require_records();
  return rows::load_outbox(m_impl->db, m_impl->keys.records, m_impl->device_id);
}

std::size_t DeviceStore::outbox_size() const {
  return rows::outbox_size(m_impl->db);
}

void DeviceStore::set_tenant(std::string_view tenant) {
  sqlite::Transaction transaction(m_impl->db);
  save_server_setting(m_impl->db, m_impl->keys.secrets, kTenantKey, tenant);
  transaction.commit();
}

namespace {
constexpr std::string_view kAppChildModeKey = "app_child_mode";
}  // namespace

std::optional<std::string> DeviceStore::app_child_mode() const {
  std::optional<std::string> consultation = rows::meta_text(m_impl->db, kAppChildModeKey);
  if (consultation && consultation->empty()) return std::nullopt;
  return consultation;
}

void DeviceStore::set_app_child_mode(const std::optional<std::string>& consultation_id) {
  sqlite::Transaction transaction(m_impl->db);
  rows::set_meta(m_impl->db, kAppChildModeKey, consultation_id.value_or(""));
  transaction.commit();
}

void DeviceStore::prepare_to_destroy() {
  m_impl->db.keep_wal_at_close();
}

void DeviceStore::destroy(const std::filesystem::path& path) {
  // The WAL and shared-memory files hold record contents too.
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    overwrite_and_remove(path.string() + suffix);
  }
}

}  // namespace iro
