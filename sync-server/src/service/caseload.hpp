// Children and who they are allocated to: the server writes child records
// from the council's case system and moves children between IROs.
#pragma once

#include <span>
#include <string_view>

#include "iro/uuid.hpp"
#include "service/children_csv.hpp"
#include "service/server_clock.hpp"
#include "store/server_store.hpp"

namespace iro::server {

// Creates or updates each child's record; only changed fields are written
// (and so sent to devices). Returns how many records were created or changed.
std::size_t import_children(StoreTxn& txn, std::string_view tenant,
                            std::span<const ChildRecordRow> rows, TxnClock& clock,
                            UuidV7Generator& ids);

// Allocates a child to a user of the same tenant. The previous IRO's devices
// are told the child left their caseload (ScopeChanged); the new IRO's
// devices receive the child's whole record set. Throws Error(not_found) for
// an unknown child or user.
void allocate_child(StoreTxn& txn, std::string_view child_id, std::string_view user_id,
                    TxnClock& clock);

// Whether the identity may see the child's records: an IRO the children
// allocated to them, a manager or admin every child of their council.
bool may_see_child(StoreTxn& txn, const DeviceIdentity& identity, std::string_view child_id);

// A device may still push what it holds for a child that left its
// caseload recently (the old device pushes, then purges).
inline constexpr std::uint64_t kPushAfterRemovalMs = 30ull * 24 * 60 * 60 * 1000;

}  // namespace iro::server
