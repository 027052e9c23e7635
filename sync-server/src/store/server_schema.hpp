// Versions of the server's SQLite schema (PRAGMA user_version), one upgrade
// step per version, as the device store's (core/src/store/device_schema.hpp).
//
// History:
//   1  meta, tenant, user, device, enrolment, allocation, scope_removal,
//      document, field_state, history
//   2  audit (append-only: UPDATE and DELETE refused by triggers)
//   3  tenant.lease_days (the offline lease; meta's lease_master_secret)
//   4  blob, blob_chunk (attachments); field_shared: the index of records for
//      the whole council (child_id '': consultation form templates)
//   5  field_state.owner and field_by_owner: an IRO's feed as one index range
//   6  two indexes nothing read dropped (field_by_child, history_by_doc)
//   7  web_password, web_session (the managers' pages); device.unsent_changes
//   8  document.created_seq, device.collect_started_ms and session_id,
//      blob_holder (who may name an attachment)
//
// Every version is readable: a file at any of them is upgraded on open.
#pragma once

#include "store/sqlite.hpp"

namespace iro::server {

inline constexpr int kServerSchemaVersion = 8;

// Marks the file as an iro server store (PRAGMA application_id), "IROS".
inline constexpr int kServerStoreApplicationId = 0x49524f53;

// Throws Error(schema_too_new) for a newer file, Error(storage_failure) for a
// file that is not an iro server store. `target`: stop at that version (0:
// the newest), for tests of the upgrade from an older file.
void migrate_server_schema(sqlite::Database& database, int target = 0);

}  // namespace iro::server
