#include "net/connection_audit.hpp"

#include <spdlog/spdlog.h>

#include "service/audit.hpp"
#include "service/auth_throttle.hpp"
#include "service/log_line.hpp"

namespace iro::server {

void audit_refused_connection(ServerShared& shared, const std::string& peer,
                              const std::string& detail) {
  if (AuthThrottle* limit = shared.refused_connection_audit_limit) {
    // Its lockouts refuse nothing; they only stop the entries.
    const std::string address = AuthThrottle::address_of(peer);
    if (const auto lockout = limit->check(address); lockout && !lockout->first_refusal) return;
    limit->record_failure(address);
  }
  AuditRow row = unauthenticated_audit_row(peer, "", AuditAction::connect, shared.clock.now_ms());
  row.detail = detail;
  shared.commits.submit(
      [row](StoreTxn& txn) { txn.append_audit(row); },
      [peer](std::exception_ptr failure) {
        if (failure) {
          spdlog::error("{}", logfmt("connection-audit-failed", {{"peer", peer}}));
        }
      });
}

}  // namespace iro::server
