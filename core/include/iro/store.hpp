// The device store: one SQLite file per device holding the IRO's documents,
// the outbox of changes not yet acknowledged by the server, and the device's
// identity and clock. Every edit writes the new value and its outbox change
// in one transaction, so a crash leaves either both or neither.
//
// Thread safety: a DeviceStore is used by one thread at a time. Several
// processes may open the same file; writers take turns (storage_busy after
// a 5 s wait).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "iro/change.hpp"
#include "iro/clock.hpp"
#include "iro/document.hpp"
#include "iro/protocol.hpp"

namespace iro {

// AES-256 key material the host keeps in the platform keystore (Android
// Keystore, iOS Keychain). Core never stores it.
using EncryptionKey = std::array<std::uint8_t, 32>;

struct StoreOptions {
  Clock* clock = nullptr;  // nullptr: the system clock. Must outlive the store.
  // Record contents (field values, outbox, conflicts, rejected changes) are
  // encrypted at rest with this key (AES-256-GCM). A store created with a key
  // needs the same key to open (Error(wrong_key) otherwise), and one created
  // without a key refuses a key. Ids, kinds and field names stay readable:
  // they are what the store queries by.
  std::optional<EncryptionKey> encryption_key = std::nullopt;
  // true: a committed edit survives power loss (a tablet's battery dying), at
  // the cost of an fsync per edit. false: survives a process crash but may
  // lose the last few edits on power loss; for bulk imports and benchmarks.
  bool durable = true;
};

struct DocumentQuery {
  std::optional<Kind> kind;
  std::optional<std::string> child_id;
  bool include_deleted = false;

  static DocumentQuery of_kind(Kind kind) {
    DocumentQuery query;
    query.kind = kind;
    return query;
  }
  static DocumentQuery of_child(std::string child_id) {
    DocumentQuery query;
    query.child_id = std::move(child_id);
    return query;
  }
  // Everything, deleted records included: what an export holds.
  static DocumentQuery everything() {
    DocumentQuery query;
    query.include_deleted = true;
    return query;
  }
};

// What `iro status` reports. Empty strings / nullopt until the device enrols and syncs.
struct DeviceStatus {
  std::string device_id;
  std::string tenant;
  std::string user_id;
  std::string server;
  std::size_t pending_changes = 0;   // in the outbox: not yet on the server
  std::size_t rejected_changes = 0;  // refused by the server, kept for the IRO to see
  std::optional<std::uint64_t> last_sync_ms;
  std::string last_sync_error;  // empty when the last attempt succeeded
  std::optional<std::uint64_t> last_sync_error_ms;
  // The oldest change still unacknowledged an hour or more after it was
  // first sent: the outbox is stuck and the IRO should be told why.
  std::optional<std::uint64_t> stuck_since_ms;
  std::uint64_t cursor = 0;
  int schema_version = 0;
  // The council's review timescales as the server last said (Welcome); empty
  // until the first sync, when the statutory ones apply.
  std::string timescale_policy;
  // The offline lease of an encrypted store (docs/security.md): when it runs
  // out, unless a sync renews it first. nullopt for a plain store and before
  // the first sync.
  std::optional<std::uint64_t> lease_expires_ms;
  // The lease ran out: records are refused (Error(lease_expired)) until a sync.
  bool locked = false;
  // Made with a key (StoreOptions::encryption_key): record contents, the
  // token and the server settings are sealed. false: nothing in the file is
  // encrypted or authenticated.
  bool encrypted = false;
};

// What a device needs to open a sync session. Only an enrolled device has it.
struct SyncCredentials {
  std::string server;
  std::string device_id;
  std::string device_token;
  std::uint64_t cursor = 0;
  // The CA certificate (PEM) the device was enrolled with over wss://: later
  // syncs trust only it. Empty: the system's roots (or a ws:// test server).
  std::string server_ca_pem;
};

// A change the server refused, kept on the device so no typed word is lost.
struct RejectedChange {
  Change change;
  std::string reason;
  std::uint64_t rejected_ms = 0;
};

inline constexpr std::uint64_t kStuckAfterMs = 60 * 60 * 1000;

// Where an attachment (iro/blob.hpp) stands on this device.
enum class AttachmentState : std::uint8_t {
  local = 1,   // made here, whole; the server may not have it yet
  held = 2,    // whole here, and the server has it
  wanted = 3,  // a record points at it; not (all) fetched yet
  failed = 4,  // the server refused it (reason); kept so it is not lost
};
std::string_view to_string(AttachmentState state) noexcept;

struct AttachmentInfo {
  std::string hash;
  std::uint64_t size = 0;      // 0 while wanted and not started
  std::uint64_t received = 0;  // bytes held
  AttachmentState state = AttachmentState::wanted;
  std::string reason;  // failed: why
};

// A record to create, for create_batch().
struct NewRecord {
  Kind kind = Kind::visit;
  std::string child_id;
  FieldMap fields;
};

// What became of one record of a batch: its id, or why it was refused.
struct CreateResult {
  std::string id;
  std::string error;  // empty when created
};

class DeviceStore {
 public:
  // Opens the store at `path`, creating it (and a new device id) when absent,
  // and upgrading an older schema in place. Throws Error(schema_too_new) for a
  // file written by a newer build and Error(storage_failure) for one that is
  // not an iro store.
  static std::unique_ptr<DeviceStore> open(const std::filesystem::path& path,
                                           StoreOptions options = {});
  ~DeviceStore();
  DeviceStore(const DeviceStore&) = delete;
  DeviceStore& operator=(const DeviceStore&) = delete;

  const std::string& device_id() const noexcept;
  int schema_version() const;
  // True when this open created the store (a new device id), false when it
  // opened one that was there: a host may tell its user what it made.
  bool created() const noexcept;
  // True for a store made with a key.
  bool encrypted() const noexcept;

  // Every call below that reads or writes record contents (create to outbox,
  // rejected_changes, and the push and pull steps of sync) throws
  // Error(lease_expired) while an encrypted store's offline lease has run out;
  // status(), outbox_size() and sync_credentials() still work, so the device
  // can sync to renew it.
  //
  // In an encrypted store the server settings (the server's address, its CA,
  // the user and council) are sealed under the host key: when they were
  // changed in the file, status() and sync_credentials() (so every sync and
  // enrolment) throw Error(corrupt_data) saying so, and the device must be
  // enrolled afresh. A plain store's settings are not authenticated.

  // Creates a document of a kind devices may create, with its first field
  // values (and the kind's initial status). Returns the new id. Throws
  // Error(invalid_input) for a bad child id, field or value.
  std::string create(Kind kind, std::string_view child_id, const FieldMap& fields);

  // Creates many records in one transaction (bulk imports). Each is checked
  // as create() checks it; a refused one is reported in its slot and the
  // others are still created.
  std::vector<CreateResult> create_batch(std::span<const NewRecord> records);

  // Sets fields of an existing document; an unset Value clears a field.
  // Values equal to the current ones are not recorded. Repeated edits of one
  // field before a sync coalesce into one outbox change that keeps the base
  // the first edit started from. Throws Error(not_found) for an unknown or
  // deleted document, Error(record_locked) for a locked one, and
  // Error(invalid_input) when a rule would break; nothing is saved then.
  void edit(std::string_view doc_id, const FieldMap& fields);

  // Resolves a conflict (Document::conflicts, by its slot): clears the slot,
  // an ordinary change that syncs and clears the conflict on every device.
  // With `field_value`, the conflict's field takes it in the same transaction
  // (the words the IRO settled on). Throws Error(not_found) for an unknown
  // document or conflict, and edit()'s errors for a bad value.
  void resolve_conflict(std::string_view doc_id, std::string_view slot,
                        std::optional<Value> field_value = std::nullopt);

  // Deletes a document (records a delete change). Error(not_found) if unknown.
  void remove(std::string_view doc_id);

  // Attachments (iro/blob.hpp). Stores `bytes` (a drawing, a photo) and adds
  // its SHA-256 to the record's `attachments` field, in one transaction; the
  // same bytes twice are stored once. Returns the hash. Throws
  // Error(invalid_input) for no bytes, more than kMaxBlobBytes or a kind
  // without attachments, and edit()'s errors.
  std::string add_attachment(std::string_view doc_id, std::span<const std::uint8_t> bytes);
  // The attachment's bytes; nullopt unless the device holds all of them.
  std::optional<Bytes> attachment(std::string_view hash) const;
  // Every attachment the device holds or wants, by hash.
  std::vector<AttachmentInfo> attachments() const;

  // nullopt when there is no such document (deleted ones are returned, marked).
  std::optional<Document> get(std::string_view doc_id) const;

  // Matching documents sorted by id.
  std::vector<Document> query(const DocumentQuery& query = {}) const;

  // The outbox, oldest first.
  std::vector<Change> outbox() const;
  std::size_t outbox_size() const;

  DeviceStatus status() const;

  // Sets the tenant this device belongs to (the offline demo).
  void set_tenant(std::string_view tenant);

  // The app's child mode (docs/app-api.md): the consultation the tablet was
  // handed over for. Kept in the store, so a reload or a restart of the app
  // is still in child mode; nullopt when the IRO has the tablet.
  std::optional<std::string> app_child_mode() const;
  void set_app_child_mode(const std::optional<std::string>& consultation_id);

  // --- Sync (used by DeviceSyncSession; see docs/ARCHITECTURE.md, Sync) ---

  // Records what enrolment gave: the server, the device token, the IRO and
  // council, and the CA certificate the device trusts for the server (PEM;
  // empty for the system's roots).
  void save_enrolment(std::string_view server, const Enrolled& enrolled,
                      std::string_view server_ca_pem = {});

  // nullopt until the device has enrolled.
  std::optional<SyncCredentials> sync_credentials() const;

  // Grants or renews the offline lease from the server's Welcome (docs/
  // ARCHITECTURE.md, "Encryption at rest"): from then on an encrypted store's
  // data key opens only with `secret` (and the host key), until `now_ms` plus
  // `days` days; each sync renews it. A store whose lease ran out is unlocked
  // by it. Throws Error(wrong_key) when `secret` does not open a locked store
  // (nothing changes then), Error(invalid_input) for a secret that is not 32
  // bytes or `days` outside 1-90. A plain store has no lease: does nothing.
  void renew_lease(std::span<const std::uint8_t> secret, int days, std::uint64_t now_ms);

  // Records the council's timescale policy from the server's Welcome (a
  // TimescalePolicy name; not checked here, so a policy newer than this build
  // is kept and reported rather than lost). Writes only when it changed.
  void save_timescale_policy(std::string_view policy);

  // The changes to push next, oldest first, at most `max_changes` and about
  // `max_bytes` (at least one): first those sent before and not acknowledged
  // (retried byte for byte), then unsent ones, which this marks as sent so
  // later edits of the field start a new change.
  std::vector<Change> next_push_batch(std::size_t max_changes, std::size_t max_bytes,
                                      std::uint64_t now_ms);

  // Applies the server's verdict on each pushed change, in one transaction:
  // accepted and merged changes leave the outbox (the field takes the server's
  // value unless a newer local edit is waiting); refused ones move to the
  // rejected list with the reason, and the field reverts to the server's value.
  void apply_push_results(std::span<const PushResult> results, std::uint64_t now_ms);

  // Applies a page of server changes and advances the cursor, in one
  // transaction. A field with a local change in the outbox keeps the local
  // value (the push merges it on the server); a document with local changes
  // is not deleted (edit wins).
  void apply_changes(std::span<const ChangeEntry> entries, std::uint64_t next_cursor);

  // Attachments in sync (DeviceSyncSession): the next blob to upload or to
  // fetch, leaving out `skip` (those the session already tried).
  std::optional<AttachmentInfo> next_blob_upload(const std::set<std::string>& skip) const;
  std::optional<AttachmentInfo> next_blob_download(const std::set<std::string>& skip) const;
  // Up to kBlobChunkBytes of a blob the device holds, from `offset`.
  Bytes read_blob_chunk(std::string_view hash, std::uint64_t offset) const;
  // The server's answer to an upload: complete -> held; refused -> failed.
  void record_blob_ack(const BlobAck& ack);
  // Stores a chunk the server sent. Returns true once the blob is whole.
  // Throws Error(corrupt_data) when it does not continue what is held, or when
  // the whole does not match its hash (what was received is then dropped, and
  // fetched again at the next sync).
  bool store_blob_chunk(const BlobData& data);

  // Children that left the IRO's caseload (ScopeChanged) and are purged once
  // what the device holds for them has been pushed. Kept in the store, so a
  // sync cut before the purge still purges at the next one; a page of changes
  // that brings a child's records again (allocated back) takes it off the list.
  // `removed_at_seq`: the ScopeChanged's, kept as the scope cursor the
  // device's Hello sends (the server repeats removals after it).
  void mark_children_leaving(std::span<const std::string> children, std::uint64_t removed_at_seq);
  std::vector<std::string> children_leaving() const;
  std::uint64_t scope_cursor() const;

  // Removes every record of these children (they left the IRO's caseload),
  // and takes them off the leaving list.
  void purge_children(std::span<const std::string> children);

  // How the last sync attempt ended: success clears the error and sets last_sync.
  void record_sync_success(std::uint64_t now_ms);
  void record_sync_failure(std::string_view reason, std::uint64_t now_ms);

  std::vector<RejectedChange> rejected_changes() const;

  // Before a Wipe's destroy(): this connection leaves the WAL in place when
  // it closes (SQLite would otherwise unlink it with record contents still
  // in its blocks), so that destroy() overwrites it too. Call it on the last
  // connection to close.
  void prepare_to_destroy();

  // Deletes the store's files (after a Wipe), each overwritten with zeros
  // and flushed to the disk first. The store must be closed. Flash storage
  // may keep earlier copies of a block elsewhere (wear levelling), which no
  // application can reach: against those only the encryption of an
  // encrypted store protects.
  static void destroy(const std::filesystem::path& path);

  // The implementation's state (core/src/store/device_store_impl.hpp).
  struct Impl;

 private:
  explicit DeviceStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace iro
