// Versions of the device store's SQLite schema, kept in PRAGMA user_version,
// with one upgrade step per version (after LiteCore's SQLiteDataFile).
//
// History:
//   1  meta, document, field, outbox (the first release's schema)
//   2  conflict: values that lost an overlapping text merge, kept until resolved
//   3  outbox.first_sent_ms (stuck outbox detection); rejected: changes the server refused
//   4  conflict rebuilt around the server's conflict slots ("<field>#<n>", document.hpp)
//   5  encryption at rest: record contents may be sealed (AES-256-GCM); meta holds the key
//      check. No table changes; older builds must refuse such stores (store_key.hpp)
//   6  blob, blob_chunk: attachments named by SHA-256, in chunks (iro/blob.hpp)
//
// The oldest readable version is 1: every version from 1 up is upgraded in place on open
// (schema_migration.hpp); tests/core/fixtures/device_schema_v1.sql is a frozen v1 store that the
// migration test upgrades.
#pragma once

#include <cstdint>

#include "store/sqlite.hpp"

namespace iro {

inline constexpr int kDeviceSchemaVersion = 6;

// Marks the file as an iro device store (PRAGMA application_id), "IRO1".
inline constexpr std::int32_t kDeviceStoreApplicationId = 0x49524f31;

// Brings the database up to `target`, one transaction per step. A new file
// runs every step from 1. Throws Error(schema_too_new) for a newer file and
// Error(storage_failure) for a SQLite file that is not an iro store.
void migrate_device_schema(sqlite::Database& database, int target = kDeviceSchemaVersion);

int device_schema_version(sqlite::Database& database);

}  // namespace iro
