// Applying a device's Push to the server's records: the merge rules of
// DESIGN.md, one change at a time, all inside the caller's transaction.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "iro/protocol.hpp"
#include "service/server_clock.hpp"
#include "store/server_store.hpp"

namespace iro::server {

// Returns one result per change, in order. Idempotent on device_id +
// device_seq: a change seen before gets its first verdict again, with the
// field's current server value. Every change is recorded in the history,
// whatever becomes of it, and its outcome in the audit log (the first time
// only), with `remote`, the connection's "address:port".
std::vector<PushResult> apply_push(StoreTxn& txn, const DeviceIdentity& identity,
                                   std::span<const Change> changes, TxnClock& clock,
                                   std::string_view remote = {});

}  // namespace iro::server
