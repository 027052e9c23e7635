// What one device may read and write, child by child, for the length of one
// push (one transaction, so a child's allocation cannot change under it).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "store/server_store.hpp"

namespace iro::server {

class ChildAccess {
 public:
  // `collecting`: a device revoked with --collect-first, handing in its
  // changes before its wipe; it may write (within its caseload) but read
  // nothing.
  ChildAccess(StoreTxn& txn, const DeviceIdentity& identity, std::uint64_t now_ms,
              bool collecting = false);

  // Whether the device may be shown this child's records (and so a server
  // value of one of them): its caseload, or, for a record of the whole
  // council (child_id ""), any device of the council.
  bool may_read(std::string_view child_id);

  enum class Write {
    caseload,  // the child is the device's: any change
    // The child left the device's caseload recently: the device may still
    // send edits of records it held (made before the child left), so its
    // IRO's last words arrive; no new records, no deletes.
    recently_removed,
    none,
  };
  Write may_write(std::string_view child_id);
  // When the child left the caseload (for Write::recently_removed).
  std::optional<ScopeRemoval> removal(std::string_view child_id);

 private:
  struct Child {
    bool readable = false;
    Write write = Write::none;
    std::optional<ScopeRemoval> removal;
  };
  const Child& child(std::string_view child_id);

  StoreTxn& m_txn;
  const DeviceIdentity& m_identity;
  std::uint64_t m_now_ms;
  bool m_collecting;
  std::map<std::string, Child, std::less<>> m_children;
};

}  // namespace iro::server
