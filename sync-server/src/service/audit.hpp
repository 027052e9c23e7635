// What the audit log says, decided in one place (docs/ARCHITECTURE.md,
// Audit): the names of actions and outcomes, who the actor is, and the rows
// for each thing a session or an administrator does. Every function here
// appends inside the caller's transaction, so an entry commits with what it
// records (or, for reads, before the records are sent).
//
// Details are short reasons (at most kMaxAuditDetailBytes) and never carry
// the words of a record: a refusal whose message may quote a value (a
// validation failure) is audited by its kind and field instead.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "iro/protocol.hpp"
#include "service/accounts.hpp"
#include "store/server_store.hpp"

namespace iro::server {

enum class AuditAction : std::uint8_t {
  // a device's session
  connect,        // a first frame that was not a readable Hello or Enrol
  hello,          // authentication (a revoked device's is refused and told to wipe)
  enrol,          // a one-time code traded for a device token
  pull,           // a page of changes sent: one row per child in it
  push,           // one pushed change and its outcome
  scope_changed,  // a device told to purge a child that left its caseload
  session,        // an authenticated session closed for a protocol error
  // an administrator's command
  add_tenant,
  add_user,
  import_children,
  allocate,
  enrol_code,  // a code issued (never the code itself)
  revoke,
  set_policy,
  demo_county,
  export_records,
  quarantine,
  set_lease,
  publish_template,  // a consultation form template version
  // attachments (iro/blob.hpp), by hash: never their bytes
  attachment_upload,    // a blob received whole (or refused)
  attachment_download,  // a blob sent to a device (or refused)
  // the managers' web pages (service/web_login.hpp)
  set_password,  // an administrator's command
  web_sign_in,   // a browser's sign-in, and why it was refused
  web_sign_out,
  web_page,      // a page of the council's records shown (the dashboard, the annual report)
  web_password,  // a manager changing their own password, and why it was refused
};
std::string_view to_string(AuditAction action) noexcept;

enum class AuditOutcome : std::uint8_t { ok, accepted, merged, conflict, refused };
std::string_view to_string(AuditOutcome outcome) noexcept;
AuditOutcome audit_outcome(PushOutcome outcome) noexcept;

inline constexpr std::string_view kAdminActor = "admin";
inline constexpr std::string_view kUnknownActor = "unknown";
inline constexpr std::string_view kWebActor = "web";  // a browser on the managers' pages
inline constexpr std::size_t kMaxAuditDetailBytes = 200;

// The text cut to kMaxAuditDetailBytes (at a UTF-8 boundary), with control
// characters replaced by spaces: details come partly from devices.
std::string audit_detail(std::string_view text);

// An entry by an authenticated device, from `remote` ("address:port").
AuditRow device_audit_row(const DeviceIdentity& identity, std::string_view remote,
                          AuditAction action, AuditOutcome outcome, std::uint64_t now_ms);
// A refusal before the other end proved who it is; `claimed_device_id` is
// the id its message gave (bounded by the wire format), if any.
AuditRow unauthenticated_audit_row(std::string_view remote, std::string_view claimed_device_id,
                                   AuditAction action, std::uint64_t now_ms);
// An administrator's command that succeeded (the caller fills in the rest).
AuditRow admin_audit_row(AuditAction action, std::uint64_t now_ms);
// A browser's sign-in or sign-out from `remote`, as `user_id` of `tenant`
// (empty when no user was found).
AuditRow web_audit_row(AuditAction action, std::string_view tenant, std::string_view user_id,
                       std::string_view remote, AuditOutcome outcome, std::uint64_t now_ms);

// A Hello and the verdict on it. For a refused token the entry names the
// device and user the token belongs to, when it belongs to one (a token
// presented with another device's id).
void audit_hello(StoreTxn& txn, std::string_view remote, const Hello& hello,
                 const std::variant<Authenticated, WipeDevice, Refused>& verdict,
                 std::uint64_t now_ms);

// An Enrol and the verdict on it; a refused code that exists (used,
// expired) names the user it was issued for.
void audit_enrol(StoreTxn& txn, std::string_view remote, const Enrol& enrol,
                 const std::variant<Enrolled, Refused>& verdict, std::uint64_t now_ms);

// A page of changes about to be sent: one row per child in it, saying how
// many changes and which sequence numbers. `live`: sent as they committed,
// not asked for by a Pull.
void audit_pull(StoreTxn& txn, const DeviceIdentity& identity, std::string_view remote,
                const Changes& page, bool live, std::uint64_t now_ms);

// A ScopeChanged about to be sent: one row per child removed.
void audit_scope_changed(StoreTxn& txn, const DeviceIdentity& identity, std::string_view remote,
                         std::span<const std::string> removed_children, std::uint64_t now_ms);

}  // namespace iro::server
