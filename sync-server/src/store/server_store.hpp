// The server's store: one interface, engines behind it (SQLite now,
// and PostgreSQL). The merge and account logic in service/ is
// written once against StoreTxn; each engine supplies the rows and the
// engine-specific queries (pull pages, exports).
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "iro/document.hpp"
#include "iro/hlc.hpp"
#include "iro/protocol.hpp"
#include "store/audit_row.hpp"

namespace iro::server {

enum class Role : std::uint8_t { iro = 1, manager = 2, admin = 3 };
std::string_view to_string(Role role) noexcept;
std::optional<Role> parse_role(std::string_view name) noexcept;

struct UserRow {
  std::string id;  // UUIDv7
  std::string tenant;
  std::string name;
  Role role = Role::iro;
};

struct DeviceRow {
  std::string id;  // the id the device's store made for itself
  std::string tenant;
  std::string user_id;
  std::string name;
  std::string token_hash;  // SHA-256 of the device token; the token itself is never stored
  std::uint64_t enrolled_ms = 0;
  std::optional<std::uint64_t> revoked_ms;
  bool collect_first = false;  // revoked, but push its outbox before wiping
  std::uint64_t last_seen_ms = 0;
  std::uint64_t last_cursor = 0;  // how far it had pulled at its last catch-up (or Hello)
  // Changes its outbox held at its last Hello, until it caught up (by then
  // it had pushed them): a device whose changes keep not arriving shows.
  std::uint64_t unsent_changes = 0;
  // Revoked with --collect-first: when it was first welcomed to hand in its
  // changes (the collection window runs from then).
  std::optional<std::uint64_t> collect_started_ms;
  // The id of the device's current session (its latest Hello): any other
  // session holding the same token is ended, on every node.
  std::string session_id;
};

struct EnrolmentRow {
  std::string code_hash;  // SHA-256 of the normalised code
  std::string user_id;
  std::string tenant;
  std::uint64_t created_ms = 0;
  std::uint64_t expires_ms = 0;
  std::optional<std::uint64_t> used_ms;
};

struct DocumentRow {
  std::string id;
  std::string tenant;
  Kind kind = Kind::visit;
  std::string child_id;
  bool deleted = false;
  // The newest sequence number when the record was made (0: before the
  // store kept it): every field of the record came later.
  std::uint64_t created_seq = 0;
  std::string created_by = {};  // the device that made it ("" for the server's own)
};

// A child leaving a user's caseload: the sequence number of the allocation
// that moved it, and when.
struct ScopeRemoval {
  std::uint64_t seq = 0;
  std::uint64_t removed_ms = 0;
};

// The server's current version of one field. The empty field name holds a
// document's deleted flag, so deletes and restores travel in the same feed.
struct FieldRow {
  Value value;
  Hlc hlc;
  std::string device_id;  // "server" for the server's own writes (imports, allocation)
  std::uint64_t seq = 0;  // the server sequence number that set it
};

inline constexpr std::string_view kServerAuthor = "server";

// One entry of the append-only history: every change received, with what
// became of it. Nothing a device sent is lost.
struct HistoryRow {
  std::string tenant;
  Change change;                            // as received; device_id is the author
  std::optional<std::uint64_t> device_seq;  // none for the server's own writes
  PushOutcome outcome = PushOutcome::accepted;
  std::uint64_t seq = 0;  // the sequence number it was given, 0 when it changed nothing
  Hlc stamped_hlc;        // the HLC the server kept (re-stamped when too far ahead)
  std::string reason;     // why it was refused
  std::uint64_t received_ms = 0;
};

// An attachment (iro/blob.hpp) the server holds, whole or in part.
struct BlobRow {
  std::string tenant;
  std::string hash;
  std::uint64_t size = 0;
  std::uint64_t received = 0;  // bytes held, from offset 0
  bool complete = false;       // whole, and checked against its hash
  std::string uploaded_by;     // the device that sent the first byte
  std::uint64_t created_ms = 0;
};

// A user's password for the managers' web pages (service/web_login.hpp):
// PBKDF2-HMAC-SHA256 of it, never the password itself.
struct PasswordRow {
  std::string user_id;
  std::string tenant;
  std::string login;  // what the user types: lower case, unique in the council
  std::string salt_hex;
  std::string hash_hex;
  std::uint32_t iterations = 0;
  std::uint64_t set_ms = 0;
};

// A signed-in browser. Only the SHA-256 of its cookie is kept, so a copy of
// the database signs no one in.
struct WebSessionRow {
  std::string token_hash;
  std::string user_id;
  std::string tenant;
  std::uint64_t created_ms = 0;
  std::uint64_t expires_ms = 0;
};

// Who is on the other end of a session.
struct DeviceIdentity {
  std::string device_id;
  std::string user_id;
  std::string tenant;
  Role role = Role::iro;
};

// Row access inside one transaction. Implemented by each engine.
class StoreTxn {
 public:
  virtual ~StoreTxn() = default;

  // The councils whose feed this transaction changed (field rows written,
  // children allocated): after the commit, their live sessions are woken.
  const std::set<std::string, std::less<>>& changed_tenants() const { return m_changed_tenants; }

  // The next server sequence number: gap-free, in commit order.
  virtual std::uint64_t next_seq() = 0;
  virtual std::uint64_t head_seq() = 0;
  // The newest HLC the server issued (persisted, so it never goes backwards).
  virtual Hlc server_hlc() = 0;
  virtual void save_server_hlc(Hlc hlc) = 0;

  virtual bool tenant_exists(std::string_view tenant) = 0;
  virtual void insert_tenant(std::string_view tenant, std::uint64_t now_ms) = 0;
  // The tenant's review timescales (a TimescalePolicy name; "statutory" until
  // set); nullopt for an unknown tenant.
  virtual std::optional<std::string> timescale_policy(std::string_view tenant) = 0;
  // Stores the name as given: the caller checks it names a policy.
  virtual void set_timescale_policy(std::string_view tenant, std::string_view policy) = 0;
  // The tenant's offline lease in days (14 until set); nullopt for an unknown tenant.
  virtual std::optional<int> lease_days(std::string_view tenant) = 0;
  // Stores the days as given: the caller checks they are 1-90.
  virtual void set_lease_days(std::string_view tenant, int days) = 0;
  // The secret every device's lease secret is derived from (service/lease.hpp);
  // nullopt until the first lease is granted.
  virtual std::optional<Bytes> lease_master_secret() = 0;
  virtual void save_lease_master_secret(std::span<const std::uint8_t> secret) = 0;
  virtual std::optional<UserRow> user(std::string_view id) = 0;
  virtual void insert_user(const UserRow& user) = 0;
  virtual std::optional<DeviceRow> device(std::string_view id) = 0;
  virtual std::optional<DeviceRow> device_by_token_hash(std::string_view token_hash) = 0;
  virtual void put_device(const DeviceRow& device) = 0;
  // Every device of the user (or of every user when empty), by id.
  virtual std::vector<DeviceRow> devices(std::string_view user_id) = 0;
  // The devices with these ids that exist, in any order.
  virtual std::vector<DeviceRow> devices_by_id(std::span<const std::string> ids) = 0;
  virtual std::optional<EnrolmentRow> enrolment(std::string_view code_hash) = 0;
  virtual void put_enrolment(const EnrolmentRow& enrolment) = 0;

  virtual std::optional<std::string> allocated_user(std::string_view tenant,
                                                    std::string_view child_id) = 0;
  virtual void set_allocation(std::string_view tenant, std::string_view child_id,
                              std::string_view user_id, std::uint64_t seq) = 0;
  virtual void insert_scope_removal(std::string_view tenant, std::string_view user_id,
                                    std::string_view child_id, std::uint64_t seq,
                                    std::uint64_t now_ms) = 0;
  // When the child last left this user's caseload, if it ever did.
  virtual std::optional<ScopeRemoval> scope_removal(std::string_view tenant,
                                                    std::string_view user_id,
                                                    std::string_view child_id) = 0;
  // Gives every field row of the child a new sequence number, so an IRO the
  // child was just allocated to pulls the child's whole record set.
  virtual void resequence_child(std::string_view tenant, std::string_view child_id) = 0;
  // Children that left the user's caseload after `after_seq` and are not back.
  virtual std::vector<std::string> removed_children(const DeviceIdentity& identity,
                                                    std::uint64_t after_seq) = 0;

  // Reads by record id name the council too: another council's record does
  // not exist for them, whatever id a device sends.
  virtual std::optional<DocumentRow> document(std::string_view tenant, std::string_view id) = 0;
  // Whether a record of any council has this id. Ids are global keys (UUIDv7
  // made on devices), so a push cannot take over another council's id; this
  // says only that the id is taken, nothing of the record.
  virtual bool record_id_taken(std::string_view id) = 0;
  virtual std::optional<DocumentRow> child_record(std::string_view tenant,
                                                  std::string_view child_id) = 0;
  virtual void put_document(const DocumentRow& document) = 0;
  virtual std::optional<FieldRow> field(std::string_view tenant, std::string_view doc_id,
                                        std::string_view name) = 0;
  // The document's set fields (not the deleted flag, not conflict slots).
  virtual FieldMap fields(std::string_view tenant, std::string_view doc_id) = 0;
  virtual void put_field(const DocumentRow& document, std::string_view name,
                         const FieldRow& field) = 0;
  // The newest version of any field of the document that a device other
  // than `except_device` wrote, open conflicts included (the deleted flag and
  // resolved conflicts are not edits): a delete made without seeing it does
  // not take effect. A device has seen its own edits, even those it pushes
  // in the same push as the delete (a record made and deleted offline).
  virtual std::uint64_t newest_field_seq(std::string_view tenant, std::string_view doc_id,
                                         std::string_view except_device) = 0;
  // The value a text or set field had at sequence number `seq`, if it was
  // set then (put_field keeps every version of such fields).
  virtual std::optional<Value> field_version(std::string_view tenant, std::string_view doc_id,
                                             std::string_view name, std::uint64_t seq) = 0;

  virtual std::optional<HistoryRow> history_for(std::string_view device_id,
                                                std::uint64_t device_seq) = 0;
  virtual void append_history(const HistoryRow& row) = 0;
  // The quarantine: changes the server refused (locked records, another
  // IRO's child...), newest first, of one tenant (every tenant when empty).
  virtual std::vector<HistoryRow> quarantine(std::string_view tenant, std::size_t limit) = 0;

  // The audit log: appended to in the transaction of what it records; never
  // changed or removed (no engine offers a way). `row.id` is ignored; the
  // store numbers entries in the order they are appended.
  virtual void append_audit(const AuditRow& row) = 0;
  // The entries that match the query, oldest first.
  virtual std::vector<AuditRow> audit_log(const AuditQuery& query) = 0;

  // The managers' web sign-in (service/web_login.hpp).
  virtual std::optional<PasswordRow> password_by_login(std::string_view tenant,
                                                       std::string_view login) = 0;
  virtual std::optional<PasswordRow> password_of_user(std::string_view user_id) = 0;
  virtual void put_password(const PasswordRow& row) = 0;  // replaces the user's
  virtual std::optional<WebSessionRow> web_session(std::string_view token_hash) = 0;
  virtual void put_web_session(const WebSessionRow& row) = 0;
  virtual void delete_web_session(std::string_view token_hash) = 0;
  virtual void delete_web_sessions_of(std::string_view user_id) = 0;
  virtual void delete_web_sessions_expired(std::uint64_t now_ms) = 0;

  // Attachments, per tenant.
  virtual std::optional<BlobRow> blob(std::string_view tenant, std::string_view hash) = 0;
  virtual void put_blob(const BlobRow& blob) = 0;
  virtual void append_blob_chunk(std::string_view tenant, std::string_view hash,
                                 std::uint64_t offset, std::span<const std::uint8_t> data) = 0;
  // Up to `max_bytes` of the blob's bytes from `offset`.
  virtual Bytes read_blob(std::string_view tenant, std::string_view hash, std::uint64_t offset,
                          std::size_t max_bytes) = 0;
  // Forgets the blob and its bytes (an upload that did not match its hash).
  virtual void delete_blob(std::string_view tenant, std::string_view hash) = 0;
  // Who has shown they hold a blob's bytes (by uploading them).
  virtual void add_blob_holder(std::string_view tenant, std::string_view hash,
                               std::string_view user_id) = 0;
  virtual bool holds_blob(std::string_view tenant, std::string_view hash,
                          std::string_view user_id) = 0;
  // Bytes of the attachments the user holds, and of uploads in progress
  // from the user's devices: what counts against the user's quota.
  virtual std::uint64_t blob_bytes_of_user(std::string_view tenant, std::string_view user_id) = 0;
  // Uploads the device started that are not complete.
  virtual std::size_t uploads_in_progress(std::string_view device_id) = 0;
  // Forgets every incomplete upload (of any council) started before
  // `started_before_ms`, with its bytes; returns how many.
  virtual std::size_t delete_stale_uploads(std::uint64_t started_before_ms) = 0;
  // The `attachments` values of the records in the identity's scope.
  virtual std::vector<Value> attachment_fields(const DeviceIdentity& identity) = 0;

  // A page of the current values in the identity's scope changed after
  // `cursor`, oldest first.
  virtual Changes pull_page(const DeviceIdentity& identity, std::uint64_t cursor,
                            std::uint32_t limit) = 0;
  // Every record in the identity's scope, deleted ones included.
  virtual std::vector<Document> documents_in_scope(const DeviceIdentity& identity) = 0;
  // The same, of one kind only: a report on reviews need not load every visit note.
  virtual std::vector<Document> documents_in_scope(const DeviceIdentity& identity, Kind kind) = 0;

 protected:
  // Engines call this from every write that moves a council's feed.
  void feed_changed(std::string_view tenant) {
    if (!m_changed_tenants.contains(tenant)) m_changed_tenants.emplace(tenant);
  }

 private:
  std::set<std::string, std::less<>> m_changed_tenants;
};

// What a group commit did: one failure slot per job (null: it succeeded),
// and the councils whose feed moved.
struct BatchOutcome {
  std::vector<std::exception_ptr> failures;
  std::vector<std::string> changed_tenants;  // sorted
};

// Stops watching when destroyed (ServerStore::watch_other_commits).
class CommitWatch {
 public:
  virtual ~CommitWatch() = default;
};

class ServerStore {
 public:
  using Job = std::function<void(StoreTxn&)>;
  using FeedsMoved = std::function<void(const std::vector<std::string>& tenants)>;
  virtual ~ServerStore() = default;

  // Runs `job` in a write transaction and commits; if it throws, rolls back
  // and rethrows. One writer at a time (the commit queue or an admin command).
  virtual void write(const Job& job) = 0;

  // Runs the jobs in one transaction, each in its own savepoint, and commits
  // once (one fsync for the lot: group commit). A job that throws is undone
  // alone; its exception is returned in its slot (null for success). A
  // council a failed job touched may be named among the changed: a spurious
  // wake costs a read, a missed one a live update. A job may run twice (its
  // first run undone, when another job of the batch threw): it must keep
  // what it learns by assignment, not by appending.
  virtual BatchOutcome write_batch(std::span<const Job> jobs) = 0;

  // Runs `job` in a read transaction (a consistent snapshot). Safe from any thread.
  virtual void read(const Job& job) = 0;
  // Calls `moved`, on a thread of the engine's, with the councils whose feed
  // a commit by another process (another node) moved, soon after it
  // commits. Null when the engine has no such signal: the caller polls.
  virtual std::unique_ptr<CommitWatch> watch_other_commits(FeedsMoved moved) {
    (void)moved;
    return nullptr;
  }
};

}  // namespace iro::server
