// The state behind DeviceStore, shared by its two implementation files:
// device_store.cpp (records) and device_store_sync.cpp (sync).
#pragma once

#include <string>

#include "iro/change.hpp"
#include "iro/hlc.hpp"
#include "iro/store.hpp"
#include "iro/uuid.hpp"
#include "store/document_rows.hpp"
#include "store/sqlite.hpp"
#include "store/value_codec.hpp"

namespace iro {

inline constexpr std::string_view kDeviceIdKey = "device_id";
inline constexpr std::string_view kHlcKey = "hlc";

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

  sqlite::Database db;
  // Seals and opens record contents: plain, or encrypted with the store's
  // data key (store_key.hpp). Set by DeviceStore::open once the key is checked.
  ValueCodec codec;
  Clock& wall;
  HybridClock clock;
  UuidV7Generator ids;
  std::string device_id;
};

}  // namespace iro
