// Versions of the server's SQLite schema (PRAGMA user_version), one upgrade
// step per version, as the device store's (core/src/store/device_schema.hpp).
//
// History:
//   1  meta, tenant, user, device, enrolment, allocation, scope_removal,
//      document, field_state, history
#pragma once

#include "store/sqlite.hpp"

namespace iro::server {

inline constexpr int kServerSchemaVersion = 1;

// Marks the file as an iro server store (PRAGMA application_id), "IROS".
inline constexpr int kServerStoreApplicationId = 0x49524f53;

// Throws Error(schema_too_new) for a newer file, Error(storage_failure) for a
// file that is not an iro server store.
void migrate_server_schema(sqlite::Database& database);

}  // namespace iro::server
