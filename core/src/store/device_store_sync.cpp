// DeviceStore's side of sync: enrolment, the push batch, applying the
// server's verdicts and changes, purging, and the sync state `status` shows.
#include <set>
#include <sstream>

#include "iro/blob.hpp"
#include "iro/error.hpp"
#include "iro/merge.hpp"
#include "iro/store.hpp"
#include "store/blob_rows.hpp"
#include "store/device_schema.hpp"
#include "store/device_store_impl.hpp"
#include "store/outbox_rows.hpp"
#include "store/server_settings.hpp"

namespace iro {
namespace {

std::set<std::string> children_leaving_in(sqlite::Database& db) {
  std::set<std::string> leaving;
  std::istringstream lines(rows::meta_text(db, kChildrenLeavingKey).value_or(""));
  for (std::string child; std::getline(lines, child);) {
    if (!child.empty()) leaving.insert(child);
  }
  return leaving;
}

void save_children_leaving(sqlite::Database& db, const std::set<std::string>& leaving) {
  if (leaving.empty()) {
    db.cached("DELETE FROM meta WHERE key = ?1").bind_all(kChildrenLeavingKey).run();
    return;
  }
  std::string lines;
  for (const std::string& child : leaving) lines += child + "\n";
  rows::set_meta(db, kChildrenLeavingKey, std::string_view(lines));
}

constexpr std::string_view kTokenKey = "device_token";
constexpr std::string_view kCursorKey = "cursor";
constexpr std::string_view kLastErrorKey = "last_sync_error";
constexpr std::string_view kLastErrorTimeKey = "last_sync_error_ms";
constexpr std::string_view kTimescalePolicyKey = "timescale_policy";

void ensure_document(sqlite::Database& db, const Change& change) {
  if (rows::document_exists(db, change.doc_id)) return;
  Document document;
  document.id = change.doc_id;
  document.kind = change.kind;
  document.child_id = change.child_id;
  rows::insert_document(db, document, change.hlc);
}

// A record from the server points at these attachments: fetch those not held.
void want_attachments(sqlite::Database& db, std::string_view field, const Value& value) {
  if (field != kAttachmentsField) return;
  if (const auto* hashes = std::get_if<StringSet>(&value)) {
    for (const std::string& hash : *hashes) rows::want_blob(db, hash);
  }
}

// The attachments the records in the store point at.
std::set<std::string> referenced_attachments(DeviceStore::Impl& self) {
  std::set<std::string> hashes;
  auto row = self.db.cached("SELECT doc_id, value FROM field WHERE name = ?1");
  row.bind(1, kAttachmentsField);
  while (row.step()) {
    const std::string doc_id = row.text(0);
    const Value value = self.keys.records.open(row.blob(1), Cell::field(doc_id, kAttachmentsField));
    if (const auto* set = std::get_if<StringSet>(&value)) hashes.insert(set->begin(), set->end());
  }
  return hashes;
}

// After a purge: attachments no remaining record points at go too, unless
// the server does not have them yet (nothing made here is lost).
void drop_unreferenced_attachments(DeviceStore::Impl& self) {
  if (self.keys.records.locked()) return;  // collected at a later purge
  const std::set<std::string> referenced = referenced_attachments(self);
  for (const AttachmentInfo& blob : rows::all_blobs(self.db)) {
    if (referenced.contains(blob.hash)) continue;
    if (blob.state == AttachmentState::held || blob.state == AttachmentState::wanted) {
      rows::delete_blob(self.db, blob.hash);
    }
  }
}

// Stores the server's version of a field, or of a conflict slot: a filled
// slot is a conflict to show, a cleared one a conflict resolved.
void store_server_value(DeviceStore::Impl& self, const Change& change, const Value& value, Hlc hlc,
                        std::uint64_t server_seq) {
  sqlite::Database& db = self.db;
  if (!is_conflict_slot(change.field)) {
    rows::write_field(db, self.keys.records, change.doc_id, change.field, value, hlc, server_seq);
    want_attachments(db, change.field, value);
  } else if (is_unset(value)) {
    rows::delete_conflict(db, change.doc_id, change.field);
  } else {
    const Conflict conflict{change.field, std::string(field_of_slot(change.field)), value,
                            change.device_id, hlc};
    rows::put_conflict(db, self.keys.records, change.doc_id, conflict, server_seq);
  }
}

// The field takes the server's version, unless a local edit is still waiting
// to be pushed (the server will merge that edit).
void adopt_server_field(DeviceStore::Impl& self, const Change& change, const Value& value, Hlc hlc,
                        std::uint64_t server_seq) {
  if (rows::has_pending_change(self.db, change.doc_id, change.field)) return;
  store_server_value(self, change, value, hlc, server_seq);
}

// `pushed` was merged by the server into `result.value`, and a newer local
// edit of the field waits behind it, made on top of the pushed text. Merged
// here, three ways (base: the pushed value), that edit builds on the
// server's version instead, and the server will not see it as overlapping
// what the push already brought. When it does not merge cleanly it is left
// as it is: the server records it as a conflict, and no word is lost.
void rebase_waiting_edit(DeviceStore::Impl& self, const Change& pushed, const PushResult& result) {
  const FieldSpec* spec = schema_for(pushed.kind).find(pushed.field);
  if (spec == nullptr || !merges_three_ways(*spec)) return;
  auto waiting =
      rows::unsent_change(self.db, self.keys.records, self.device_id, pushed.doc_id, pushed.field);
  if (!waiting) return;
  const std::optional<Value> rebased =
      merge_values(*spec, pushed.value, result.value, waiting->value);
  if (!rebased) return;
  rows::rewrite_unsent_change(self.db, self.keys.records, *waiting, *rebased, result.server_seq);
  rows::write_field(self.db, self.keys.records, pushed.doc_id, pushed.field, *rebased,
                    waiting->hlc);
}

// The server settings (server_settings.hpp), checked: Error(corrupt_data)
// when an encrypted store's were changed in the file.
ServerSettings checked_server_settings(DeviceStore::Impl& self) {
  const bool enrolled = rows::meta_blob(self.db, kTokenKey).has_value();
  return load_server_settings(self.db, self.keys.secrets, enrolled);
}

}  // namespace

void DeviceStore::save_enrolment(std::string_view server, const Enrolled& enrolled,
                                 std::string_view server_ca_pem) {
  sqlite::Database& db = m_impl->db;
  const ValueCodec& secrets = m_impl->keys.secrets;
  sqlite::Transaction transaction(db);
  save_server_setting(db, secrets, kServerKey, server);
  // Kept even when empty (the system's roots): an enrolled encrypted store
  // without it has lost it, which its check refuses.
  save_server_setting(db, secrets, kServerCaKey, server_ca_pem);
  rows::set_secret_meta(db, secrets, kTokenKey, enrolled.device_token);
  save_server_setting(db, secrets, kUserKey, enrolled.user_id);
  save_server_setting(db, secrets, kTenantKey, enrolled.tenant);
  transaction.commit();
}

std::optional<SyncCredentials> DeviceStore::sync_credentials() const {
  sqlite::Database& db = m_impl->db;
  // Checked before the token is even read: nothing goes anywhere from a
  // store whose settings were changed behind its back.
  const ServerSettings settings = checked_server_settings(*m_impl);
  auto token = rows::secret_meta(db, m_impl->keys.secrets, kTokenKey);
  if (settings.server.empty() || !token) return std::nullopt;
  return SyncCredentials{settings.server, m_impl->device_id, *token,
                         std::uint64_t(rows::meta_int(db, kCursorKey).value_or(0)),
                         settings.server_ca_pem};
}

void DeviceStore::renew_lease(std::span<const std::uint8_t> secret, int days,
                              std::uint64_t now_ms) {
  Impl& self = *m_impl;
  if (!self.keys.encrypted) return;  // a plain store has no lease
  self.lease = grant_lease(self.db, self.keys, secret, days, now_ms);
}

void DeviceStore::save_timescale_policy(std::string_view policy) {
  sqlite::Database& db = m_impl->db;
  // Every sync says it; an unchanged policy costs no write (and no fsync).
  if (rows::meta_text(db, kTimescalePolicyKey) == policy) return;
  sqlite::Transaction transaction(db);
  rows::set_meta(db, kTimescalePolicyKey, policy);
  transaction.commit();
}

std::vector<Change> DeviceStore::next_push_batch(std::size_t max_changes, std::size_t max_bytes,
                                                 std::uint64_t now_ms) {
  m_impl->require_records();
  sqlite::Transaction transaction(m_impl->db);
  auto batch = rows::take_push_batch(m_impl->db, m_impl->keys.records, m_impl->device_id,
                                     max_changes, max_bytes, now_ms);
  transaction.commit();
  return batch;
}

void DeviceStore::apply_push_results(std::span<const PushResult> results, std::uint64_t now_ms) {
  Impl& self = *m_impl;
  self.require_records();
  sqlite::Transaction transaction(self.db);
  self.catch_up_clock();
  std::set<std::string> unknown_to_server;
  for (const PushResult& result : results) {
    const auto change =
        rows::remove_outbox_change(self.db, self.keys.records, self.device_id, result.device_seq);
    if (!change) continue;  // a duplicate verdict (the push was retried)
    self.clock.observe(result.hlc);
    const bool whole_document = change->op != ChangeOp::set_field;
    switch (result.outcome) {
      case PushOutcome::accepted:
        if (whole_document) break;
        // A newer local edit of the field now builds on the version just accepted.
        if (!rows::rebase_unsent_change(self.db, change->doc_id, change->field,
                                        result.server_seq)) {
          store_server_value(self, *change, change->value, result.hlc, result.server_seq);
        }
        break;
      case PushOutcome::merged:
      case PushOutcome::conflict:
        if (whole_document) {
          // The server kept the document: an edit this device had not seen won.
          rows::set_document_deleted(self.db, change->doc_id, false, result.hlc);
          break;
        }
        if (result.outcome == PushOutcome::merged) rebase_waiting_edit(self, *change, result);
        adopt_server_field(self, *change, result.value, result.hlc, result.server_seq);
        break;
      case PushOutcome::refused:
        rows::insert_rejected(self.db, self.keys.records, *change, result.reason, now_ms);
        if (!result.document_known) {
          unknown_to_server.insert(change->doc_id);
          // The record may stay (other changes of it are still to go): the
          // refused words are in the rejected list, not in the record.
          if (!whole_document) adopt_server_field(self, *change, Value{}, Hlc{}, 0);
        } else if (whole_document) {
          rows::set_document_deleted(self.db, change->doc_id, false, result.hlc);
        } else {
          adopt_server_field(self, *change, result.value, result.hlc, result.server_seq);
        }
        break;
    }
  }
  // A record the server refused outright exists nowhere else: its words stay
  // in the rejected list, and the record leaves the device's view.
  for (const std::string& doc_id : unknown_to_server) {
    if (!rows::has_pending_changes(self.db, doc_id)) rows::erase_document(self.db, doc_id);
  }
  self.save_clock();
  transaction.commit();
}

void DeviceStore::apply_changes(std::span<const ChangeEntry> entries, std::uint64_t next_cursor) {
  Impl& self = *m_impl;
  self.require_records();
  sqlite::Transaction transaction(self.db);
  self.catch_up_clock();
  for (const ChangeEntry& entry : entries) {
    const Change& change = entry.change;
    self.clock.observe(change.hlc);
    ensure_document(self.db, change);
    switch (change.op) {
      case ChangeOp::set_field:
        rows::touch_document(self.db, change.doc_id, change.hlc);
        adopt_server_field(self, change, change.value, change.hlc, entry.server_seq);
        break;
      case ChangeOp::delete_document:
        // Edit wins: local edits waiting to be pushed keep the record alive.
        if (!rows::has_pending_changes(self.db, change.doc_id)) {
          rows::set_document_deleted(self.db, change.doc_id, true, change.hlc);
        }
        break;
      case ChangeOp::restore_document:
        rows::set_document_deleted(self.db, change.doc_id, false, change.hlc);
        break;
    }
  }
  // The server sends a child's records only while the child is in scope: one
  // that was leaving has been allocated back, and must not be purged now.
  std::set<std::string> leaving = children_leaving_in(self.db);
  if (!leaving.empty()) {
    for (const ChangeEntry& entry : entries) leaving.erase(entry.change.child_id);
    save_children_leaving(self.db, leaving);
  }
  const std::uint64_t cursor = std::uint64_t(rows::meta_int(self.db, kCursorKey).value_or(0));
  if (next_cursor > cursor) rows::set_meta(self.db, kCursorKey, std::int64_t(next_cursor));
  self.save_clock();
  transaction.commit();
}

void DeviceStore::mark_children_leaving(std::span<const std::string> children,
                                        std::uint64_t removed_at_seq) {
  sqlite::Database& db = m_impl->db;
  sqlite::Transaction transaction(db);
  std::set<std::string> leaving = children_leaving_in(db);
  leaving.insert(children.begin(), children.end());
  save_children_leaving(db, leaving);
  if (removed_at_seq > scope_cursor())
    rows::set_meta(db, kScopeCursorKey, std::int64_t(removed_at_seq));
  transaction.commit();
}

std::uint64_t DeviceStore::scope_cursor() const {
  return std::uint64_t(rows::meta_int(m_impl->db, kScopeCursorKey).value_or(0));
}

std::vector<std::string> DeviceStore::children_leaving() const {
  const std::set<std::string> leaving = children_leaving_in(m_impl->db);
  return {leaving.begin(), leaving.end()};
}

void DeviceStore::purge_children(std::span<const std::string> children) {
  sqlite::Transaction transaction(m_impl->db);
  std::set<std::string> leaving = children_leaving_in(m_impl->db);
  for (const std::string& child : children) {
    rows::erase_children(m_impl->db, child);
    leaving.erase(child);
  }
  save_children_leaving(m_impl->db, leaving);
  drop_unreferenced_attachments(*m_impl);
  transaction.commit();
  // secure_delete zeroed the purged rows' bytes in their pages; the pages
  // that still held them in the WAL leave it now, not at some later
  // checkpoint (best effort: another connection's reader can delay it).
  m_impl->db.checkpoint_and_truncate_wal();
}

void DeviceStore::record_sync_success(std::uint64_t now_ms) {
  sqlite::Database& db = m_impl->db;
  sqlite::Transaction transaction(db);
  rows::set_meta(db, kLastSyncKey, std::int64_t(now_ms));
  db.cached("DELETE FROM meta WHERE key IN ('last_sync_error', 'last_sync_error_ms')").run();
  transaction.commit();
}

void DeviceStore::record_sync_failure(std::string_view reason, std::uint64_t now_ms) {
  sqlite::Database& db = m_impl->db;
  sqlite::Transaction transaction(db);
  rows::set_meta(db, kLastErrorKey, reason);
  rows::set_meta(db, kLastErrorTimeKey, std::int64_t(now_ms));
  transaction.commit();
}

std::vector<RejectedChange> DeviceStore::rejected_changes() const {
  m_impl->require_records();
  return rows::load_rejected(m_impl->db, m_impl->keys.records, m_impl->device_id);
}

DeviceStatus DeviceStore::status() const {
  sqlite::Database& db = m_impl->db;
  DeviceStatus status;
  status.device_id = m_impl->device_id;
  ServerSettings settings = checked_server_settings(*m_impl);
  status.tenant = std::move(settings.tenant);
  status.user_id = std::move(settings.user_id);
  status.server = std::move(settings.server);
  status.encrypted = m_impl->keys.encrypted;
  status.pending_changes = rows::outbox_size(db);
  status.rejected_changes = rows::rejected_size(db);
  if (auto last_sync = rows::meta_int(db, kLastSyncKey)) {
    status.last_sync_ms = std::uint64_t(*last_sync);
  }
  status.last_sync_error = rows::meta_text(db, kLastErrorKey).value_or("");
  if (auto at = rows::meta_int(db, kLastErrorTimeKey))
    status.last_sync_error_ms = std::uint64_t(*at);
  if (auto first_sent = rows::oldest_first_sent_ms(db)) {
    if (m_impl->wall.now_ms() >= *first_sent + kStuckAfterMs) status.stuck_since_ms = *first_sent;
  }
  status.cursor = std::uint64_t(rows::meta_int(db, kCursorKey).value_or(0));
  status.schema_version = device_schema_version(db);
  status.timescale_policy = rows::meta_text(db, kTimescalePolicyKey).value_or("");
  m_impl->refresh_lease();
  if (const auto& lease = m_impl->lease) status.lease_expires_ms = lease->expires_ms;
  status.locked = m_impl->keys.locked();
  return status;
}

}  // namespace iro
