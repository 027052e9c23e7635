// The device's status as JSON: what `iro status --json` prints and the
// bridge's iro_store_status_json returns, from one place.
#pragma once

#include <nlohmann/json.hpp>

#include "iro/store.hpp"

namespace iro {

// {"device_id", "tenant", "user_id", "server", "pending_changes",
//  "rejected_changes", "last_sync", "last_sync_error", "last_sync_error_at",
//  "stuck_since", "cursor", "schema_version", "timescale_policy",
//  "lease_expires", "locked", "encrypted"}: times as UTC ISO 8601, null for
// what is not known yet (an unenrolled device has no user_id or server).
nlohmann::json device_status_json(const DeviceStatus& status);

}  // namespace iro
