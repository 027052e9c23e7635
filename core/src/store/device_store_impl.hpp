// The state behind DeviceStore, shared by its two implementation files:
// device_store.cpp (records) and device_store_sync.cpp (sync).
#pragma once

#include <algorithm>
#include <optional>
#include <string>

#include "iro/change.hpp"
#include "iro/error.hpp"
#include "iro/hlc.hpp"
#include "iro/store.hpp"
#include "iro/uuid.hpp"
#include "store/document_rows.hpp"
#include "store/lease.hpp"
#include "store/sqlite.hpp"
#include "store/store_key.hpp"

namespace iro {

inline constexpr std::string_view kDeviceIdKey = "device_id";
inline constexpr std::string_view kHlcKey = "hlc";
inline constexpr std::string_view kLastSyncKey = "last_sync_ms";
// Children to purge once pushed (DeviceStore::mark_children_leaving), one per line.
inline constexpr std::string_view kChildrenLeavingKey = "children_leaving";
// The removed_at_seq of the last ScopeChanged recorded (Hello's scope_cursor).
inline constexpr std::string_view kScopeCursorKey = "scope_cursor";

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

  // The latest time the store has seen: its clock, the last HLC it issued or
  // observed (saved with every write), its last sync. A clock set back
  // below it does not make an expired lease young again.
  std::uint64_t newest_seen_ms() {
    const std::uint64_t hlc_ms = Hlc{std::uint64_t(rows::meta_int(db, kHlcKey).value_or(0))}.ms();
    const std::uint64_t synced_ms = std::uint64_t(rows::meta_int(db, kLastSyncKey).value_or(0));
    return std::max({wall.now_ms(), hlc_ms, synced_ms});
  }

  // Brings an encrypted store's keys in line with the lease in the file:
  // another connection (a sync on its own connection, another process) may
  // have granted or renewed it, and it may have run out since the last call,
  // which locks the records (lease.hpp's open_lease). Two meta reads when
  // nothing changed; runs a transaction of its own when it locks, so the
  // caller holds none.
  void refresh_lease() {
    if (!keys.encrypted) return;
    const std::optional<LeaseTerms> stored = stored_lease(db);
    const bool changed =
        stored.has_value() != lease.has_value() ||
        (stored && (stored->expires_ms != lease->expires_ms || stored->days != lease->days));
    lease = stored;
    if (lease && (changed || keys.locked() || wall.now_ms() > lease->expires_ms)) {
      open_lease(db, keys, *lease, newest_seen_ms());
    }
  }

  // Every call that reads or writes record contents starts here, outside
  // any transaction. Throws Error(lease_expired) while the records are locked.
  void require_records() {
    refresh_lease();
    if (keys.locked()) {
      throw Error(ErrorCode::lease_expired, lease_expired_message(lease ? lease->days : 0));
    }
  }

  sqlite::Database db;
  // The store's keys: `keys.records` seals and opens record contents (plain,
  // encrypted with the store's data key, or locked), `keys.secrets` the
  // device token and lease secret. Set by DeviceStore::open once the key is
  // checked (store_key.hpp).
  StoreKeys keys;
  // The offline lease (lease.hpp); nullopt until a server grants one, and
  // always for a plain store.
  std::optional<LeaseTerms> lease;
  Clock& wall;
  HybridClock clock;
  UuidV7Generator ids;
  std::string device_id;
  // This open made the store (DeviceStore::created).
  bool created = false;
};

// DeviceStore::edit inside the caller's transaction (device_store.cpp).
void apply_edit(DeviceStore::Impl& self, std::string_view doc_id, const FieldMap& fields);

}  // namespace iro
