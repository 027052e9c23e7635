// Applying a device's Push to the server's records: the merge rules of
// docs/ARCHITECTURE.md ("Merge"), one change at a time, all inside the caller's transaction.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "iro/merge.hpp"
#include "iro/protocol.hpp"
#include "service/server_clock.hpp"
#include "store/server_store.hpp"

namespace iro::server {

struct PushOptions {
  std::string_view remote = {};  // the connection's "address:port", for the audit log
  // A device revoked with --collect-first, handing in its changes before
  // its wipe: they are taken (within its caseload, as ever), but no answer
  // carries a server value: it may read nothing any more.
  bool collecting = false;
  // The work the push's three-way text merges may do (iro/merge.hpp): a
  // merge past it keeps both texts as a conflict.
  std::uint64_t merge_steps = kMergeStepsPerPush;
};

// Returns one result per change, in order. No result carries a server value
// of a record the device may not read (another IRO's child, another
// council's record). At most one change of a record's field in one push: a
// second is refused (a device sends the next edit after the first's answer).
//
// Idempotent on device_id + device_seq: the very same change seen before
// gets its first verdict again, with the field's current server value if the
// device may read it, and is audited as a retry; another change under a
// device_seq already used is refused and changes nothing.
//
// Every change is recorded in the history, whatever becomes of it, and its
// outcome in the audit log.
std::vector<PushResult> apply_push(StoreTxn& txn, const DeviceIdentity& identity,
                                   std::span<const Change> changes, TxnClock& clock,
                                   const PushOptions& options = {});

}  // namespace iro::server
