#include "service/caseload.hpp"

#include "iro/error.hpp"

namespace iro::server {

std::size_t import_children(StoreTxn& txn, std::string_view tenant,
                            std::span<const ChildRecordRow> rows, TxnClock& clock,
                            UuidV7Generator& ids) {
  if (!txn.tenant_exists(tenant)) {
    throw Error(ErrorCode::not_found, "no tenant " + std::string(tenant));
  }
  std::size_t changed = 0;
  for (const ChildRecordRow& row : rows) {
    auto record = txn.child_record(tenant, row.child_id);
    FieldMap current;
    if (record) {
      current = txn.fields(tenant, record->id);
    } else {
      record = DocumentRow{ids.next(clock.now_ms()),
                           std::string(tenant),
                           Kind::child,
                           row.child_id,
                           false,
                           txn.head_seq()};
      txn.put_document(*record);
    }
    bool any = false;
    for (const auto& [name, value] : row.fields) {
      const auto found = current.find(name);
      if (found != current.end() && found->second == value) continue;
      write_server_field(txn, *record, name, value, clock);
      any = true;
    }
    // Optional columns left empty now clear what an earlier import set.
    for (const char* optional : {"preferred_name", "pronouns"}) {
      if (current.contains(optional) && !row.fields.contains(optional)) {
        write_server_field(txn, *record, optional, Value{}, clock);
        any = true;
      }
    }
    if (any) ++changed;
  }
  return changed;
}

void allocate_child(StoreTxn& txn, std::string_view child_id, std::string_view user_id,
                    TxnClock& clock) {
  const auto user = txn.user(user_id);
  if (!user) throw Error(ErrorCode::not_found, "no user " + std::string(user_id));
  const auto record = txn.child_record(user->tenant, child_id);
  if (!record) {
    throw Error(ErrorCode::not_found,
                "no child " + std::string(child_id) + " in tenant " + user->tenant);
  }
  const auto previous = txn.allocated_user(user->tenant, child_id);
  if (previous == user->id) return;
  const std::uint64_t seq = txn.next_seq();
  txn.set_allocation(user->tenant, child_id, user->id, seq);
  if (previous) txn.insert_scope_removal(user->tenant, *previous, child_id, seq, clock.now_ms());
  // The new IRO's devices have cursors past the child's records: renumber them
  // so their next pull carries the whole record set.
  txn.resequence_child(user->tenant, child_id);
  write_server_field(txn, *record, "allocated_iro", user->id, clock);
}

bool may_see_child(StoreTxn& txn, const DeviceIdentity& identity, std::string_view child_id) {
  if (identity.role == Role::iro) {
    return txn.allocated_user(identity.tenant, child_id) == identity.user_id;
  }
  return txn.child_record(identity.tenant, child_id).has_value();
}

}  // namespace iro::server
