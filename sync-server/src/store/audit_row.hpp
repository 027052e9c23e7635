// One entry of the server's audit log, as every engine stores it: who did
// what, from where, to which child and record, and what became of it
// (docs/ARCHITECTURE.md, Audit). The log is append-only: engines offer no
// way to change or remove an entry, and the SQLite engine refuses UPDATE and
// DELETE on the table with triggers.
//
// Plain strings, not enums, so that a log written by a newer build (with
// actions this one does not know) still reads. What the strings hold is
// decided once, in service/audit.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace iro::server {

struct AuditRow {
  std::uint64_t id = 0;  // given by the store, increasing in the order entries were appended
  std::uint64_t time_ms = 0;
  std::string tenant;     // empty when not known (a connection that never authenticated)
  std::string actor;      // a device id, "admin", or "unknown" before authentication
  std::string user_id;    // the acting device's user, or the user an admin action concerns
  std::string device_id;  // the acting device, the device an action concerns, or the one claimed
  std::string remote;     // "address:port" of the connection; empty for admin commands
  std::string action;     // "hello", "pull", "push", "allocate"... (service/audit.hpp)
  std::string child_id;   // empty when the entry is about no one child
  std::string doc_id;     // empty when the entry is about no one record
  std::string outcome;    // "ok", "accepted", "merged", "conflict" or "refused"
  std::string detail;     // a short reason; never the words of a record
};

// Which entries to list: every filter given must match (empty: any).
struct AuditQuery {
  std::string child_id = {};
  std::string user_id = {};
  std::string device_id = {};  // the actor, or the device an entry concerns
  std::string tenant = {};
  std::optional<std::uint64_t> since_ms = {};  // at or after this time
  std::size_t limit = 0;                       // the newest `limit` entries; 0: all
};

}  // namespace iro::server
