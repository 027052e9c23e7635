#include "service/child_access.hpp"

#include "service/caseload.hpp"

namespace iro::server {

ChildAccess::ChildAccess(StoreTxn& txn, const DeviceIdentity& identity, std::uint64_t now_ms,
                         bool collecting)
    : m_txn(txn), m_identity(identity), m_now_ms(now_ms), m_collecting(collecting) {}

const ChildAccess::Child& ChildAccess::child(std::string_view child_id) {
  auto [found, first_time] = m_children.try_emplace(std::string(child_id));
  Child& child = found->second;
  if (!first_time) return child;
  if (may_see_child(m_txn, m_identity, child_id)) {
    child.readable = true;
    child.write = Write::caseload;
    return child;
  }
  child.removal = m_txn.scope_removal(m_identity.tenant, m_identity.user_id, child_id);
  if (child.removal && m_now_ms <= child.removal->removed_ms + kPushAfterRemovalMs) {
    child.write = Write::recently_removed;
  }
  return child;
}

bool ChildAccess::may_read(std::string_view child_id) {
  if (m_collecting) return false;
  if (child_id.empty()) return true;
  return child(child_id).readable;
}

ChildAccess::Write ChildAccess::may_write(std::string_view child_id) {
  return child(child_id).write;
}

std::optional<ScopeRemoval> ChildAccess::removal(std::string_view child_id) {
  return child(child_id).removal;
}

}  // namespace iro::server
