// The device store: one SQLite file per device holding the IRO's documents,
// the outbox of changes not yet acknowledged by the server, and the device's
// identity and clock. Every edit writes the new value and its outbox change
// in one transaction, so a crash leaves either both or neither.
//
// Thread safety: a DeviceStore is used by one thread at a time. Several
// processes may open the same file; writers take turns (storage_busy after
// a 5 s wait).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "iro/change.hpp"
#include "iro/clock.hpp"
#include "iro/document.hpp"

namespace iro {

struct StoreOptions {
  Clock* clock = nullptr;  // nullptr: the system clock. Must outlive the store.
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
  std::size_t pending_changes = 0;
  std::optional<std::uint64_t> last_sync_ms;
  int schema_version = 0;
};

// A change the server committed, as a pull delivers it.
struct ServerChange {
  Change change;
  std::uint64_t server_seq = 0;
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

  // Creates a document of a kind devices may create, with its first field
  // values (and the kind's initial status). Returns the new id. Throws
  // Error(invalid_input) for a bad child id, field or value.
  std::string create(Kind kind, std::string_view child_id, const FieldMap& fields);

  // Sets fields of an existing document; an unset Value clears a field.
  // Values equal to the current ones are not recorded. Repeated edits of one
  // field before a sync coalesce into one outbox change that keeps the base
  // the first edit started from. Throws Error(not_found) for an unknown or
  // deleted document, Error(record_locked) for a locked one, and
  // Error(invalid_input) when a rule would break; nothing is saved then.
  void edit(std::string_view doc_id, const FieldMap& fields);

  // Deletes a document (records a delete change). Error(not_found) if unknown.
  void remove(std::string_view doc_id);

  // nullopt when there is no such document (deleted ones are returned, marked).
  std::optional<Document> get(std::string_view doc_id) const;

  // Matching documents sorted by id.
  std::vector<Document> query(const DocumentQuery& query = {}) const;

  // The outbox, oldest first.
  std::vector<Change> outbox() const;
  std::size_t outbox_size() const;

  // Saves changes the server committed. A field with a local change still in
  // the outbox keeps the local value (the push will merge it on the server).
  void apply_server_changes(std::span<const ServerChange> changes);

  DeviceStatus status() const;

  // Sets the tenant this device belongs to (enrolment; the demo).
  void set_tenant(std::string_view tenant);

 private:
  struct Impl;
  explicit DeviceStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace iro
