#include "service/audit.hpp"

#include <map>
#include <set>

#include "service/secrets.hpp"

namespace iro::server {

std::string_view to_string(AuditAction action) noexcept {
  switch (action) {
    case AuditAction::connect:
      return "connect";
    case AuditAction::hello:
      return "hello";
    case AuditAction::enrol:
      return "enrol";
    case AuditAction::pull:
      return "pull";
    case AuditAction::push:
      return "push";
    case AuditAction::scope_changed:
      return "scope-changed";
    case AuditAction::session:
      return "session";
    case AuditAction::add_tenant:
      return "add-tenant";
    case AuditAction::add_user:
      return "add-user";
    case AuditAction::import_children:
      return "import-children";
    case AuditAction::allocate:
      return "allocate";
    case AuditAction::enrol_code:
      return "enrol-code";
    case AuditAction::revoke:
      return "revoke";
    case AuditAction::set_policy:
      return "set-policy";
    case AuditAction::set_lease:
      return "set-lease";
    case AuditAction::demo_county:
      return "demo-county";
    case AuditAction::export_records:
      return "export";
    case AuditAction::quarantine:
      return "quarantine";
    case AuditAction::publish_template:
      return "publish-template";
    case AuditAction::set_password:
      return "set-password";
    case AuditAction::web_sign_in:
      return "web-sign-in";
    case AuditAction::web_sign_out:
      return "web-sign-out";
    case AuditAction::web_page:
      return "web-page";
    case AuditAction::web_password:
      return "web-password";
    case AuditAction::attachment_upload:
      return "attachment-upload";
    case AuditAction::attachment_download:
      return "attachment-download";
  }
  return "unknown";
}

std::string_view to_string(AuditOutcome outcome) noexcept {
  switch (outcome) {
    case AuditOutcome::ok:
      return "ok";
    case AuditOutcome::accepted:
      return "accepted";
    case AuditOutcome::merged:
      return "merged";
    case AuditOutcome::conflict:
      return "conflict";
    case AuditOutcome::refused:
      return "refused";
  }
  return "unknown";
}

AuditOutcome audit_outcome(PushOutcome outcome) noexcept {
  switch (outcome) {
    case PushOutcome::accepted:
      return AuditOutcome::accepted;
    case PushOutcome::merged:
      return AuditOutcome::merged;
    case PushOutcome::conflict:
      return AuditOutcome::conflict;
    case PushOutcome::refused:
      return AuditOutcome::refused;
  }
  return AuditOutcome::refused;
}

std::string audit_detail(std::string_view text) {
  std::string detail(text.substr(0, kMaxAuditDetailBytes));
  if (text.size() > kMaxAuditDetailBytes) {
    // Back to the start of the UTF-8 sequence the cut went through.
    std::size_t end = detail.size();
    while (end > 0 && (static_cast<unsigned char>(detail[end - 1]) & 0xC0) == 0x80) --end;
    if (end > 0 && static_cast<unsigned char>(detail[end - 1]) >= 0xC0) --end;
    detail.resize(end);
  }
  for (char& c : detail) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return detail;
}

AuditRow device_audit_row(const DeviceIdentity& identity, std::string_view remote,
                          AuditAction action, AuditOutcome outcome, std::uint64_t now_ms) {
  AuditRow row;
  row.time_ms = now_ms;
  row.tenant = identity.tenant;
  row.actor = identity.device_id;
  row.user_id = identity.user_id;
  row.device_id = identity.device_id;
  row.remote = std::string(remote);
  row.action = std::string(to_string(action));
  row.outcome = std::string(to_string(outcome));
  return row;
}

AuditRow unauthenticated_audit_row(std::string_view remote, std::string_view claimed_device_id,
                                   AuditAction action, std::uint64_t now_ms) {
  AuditRow row;
  row.time_ms = now_ms;
  row.actor = std::string(kUnknownActor);
  row.device_id = audit_detail(claimed_device_id);
  row.remote = std::string(remote);
  row.action = std::string(to_string(action));
  row.outcome = std::string(to_string(AuditOutcome::refused));
  return row;
}

AuditRow admin_audit_row(AuditAction action, std::uint64_t now_ms) {
  AuditRow row;
  row.time_ms = now_ms;
  row.actor = std::string(kAdminActor);
  row.action = std::string(to_string(action));
  row.outcome = std::string(to_string(AuditOutcome::ok));
  return row;
}

AuditRow web_audit_row(AuditAction action, std::string_view tenant, std::string_view user_id,
                       std::string_view remote, AuditOutcome outcome, std::uint64_t now_ms) {
  AuditRow row;
  row.time_ms = now_ms;
  row.tenant = std::string(tenant);
  row.actor = std::string(kWebActor);
  row.user_id = std::string(user_id);
  row.remote = std::string(remote);
  row.action = std::string(to_string(action));
  row.outcome = std::string(to_string(outcome));
  return row;
}

void audit_hello(StoreTxn& txn, std::string_view remote, const Hello& hello,
                 const std::variant<Authenticated, WipeDevice, Refused>& verdict,
                 std::uint64_t now_ms) {
  if (const auto* authenticated = std::get_if<Authenticated>(&verdict)) {
    AuditRow row = device_audit_row(authenticated->identity, remote, AuditAction::hello,
                                    AuditOutcome::ok, now_ms);
    row.detail = authenticated->collect_then_wipe
                     ? "device revoked with --collect-first: taking its pushes, then wiping it"
                     : "welcomed from cursor " + std::to_string(hello.cursor);
    return txn.append_audit(row);
  }
  AuditRow row = unauthenticated_audit_row(remote, hello.device_id, AuditAction::hello, now_ms);
  if (std::holds_alternative<WipeDevice>(verdict)) {
    // The token is the device's own: it is who it says, and revoked.
    if (const auto device = txn.device(hello.device_id)) {
      row.actor = device->id;
      row.tenant = device->tenant;
      row.user_id = device->user_id;
    }
    row.detail = "device revoked: told to wipe";
    return txn.append_audit(row);
  }
  row.detail = audit_detail(std::get<Refused>(verdict).reason);
  if (!hello.device_token.empty()) {
    if (const auto owner = txn.device_by_token_hash(sha256_hex(hello.device_token))) {
      row.tenant = owner->tenant;
      row.user_id = owner->user_id;
      if (owner->id != hello.device_id) {
        row.detail = audit_detail(row.detail + " (the token is device " + owner->id + "'s)");
      }
    }
  }
  txn.append_audit(row);
}

void audit_enrol(StoreTxn& txn, std::string_view remote, const Enrol& enrol,
                 const std::variant<Enrolled, Refused>& verdict, std::uint64_t now_ms) {
  if (const auto* enrolled = std::get_if<Enrolled>(&verdict)) {
    DeviceIdentity identity;
    identity.device_id = enrolled->device_id;
    identity.user_id = enrolled->user_id;
    identity.tenant = enrolled->tenant;
    AuditRow row = device_audit_row(identity, remote, AuditAction::enrol, AuditOutcome::ok, now_ms);
    row.detail = "device enrolled with a one-time code";
    return txn.append_audit(row);
  }
  AuditRow row = unauthenticated_audit_row(remote, enrol.device_id, AuditAction::enrol, now_ms);
  row.detail = audit_detail(std::get<Refused>(verdict).reason);
  // A used or expired code says whose it was (the code itself is never kept).
  if (const auto code = txn.enrolment(sha256_hex(normalised_code(enrol.code)))) {
    row.tenant = code->tenant;
    row.user_id = code->user_id;
  }
  txn.append_audit(row);
}

void audit_pull(StoreTxn& txn, const DeviceIdentity& identity, std::string_view remote,
                const Changes& page, bool live, std::uint64_t now_ms) {
  struct Sent {
    std::size_t changes = 0;
    std::set<std::string_view> records;
    std::uint64_t first_seq = 0;
    std::uint64_t last_seq = 0;
  };
  std::map<std::string_view, Sent> by_child;
  for (const ChangeEntry& entry : page.entries) {
    Sent& sent = by_child[entry.change.child_id];
    if (sent.changes++ == 0) sent.first_seq = entry.server_seq;
    sent.last_seq = entry.server_seq;
    sent.records.insert(entry.change.doc_id);
  }
  for (const auto& [child_id, sent] : by_child) {
    AuditRow row = device_audit_row(identity, remote, AuditAction::pull, AuditOutcome::ok, now_ms);
    row.child_id = std::string(child_id);
    row.detail = std::to_string(sent.changes) + (sent.changes == 1 ? " change" : " changes") +
                 " of " + std::to_string(sent.records.size()) +
                 (sent.records.size() == 1 ? " record" : " records") + ", seq " +
                 std::to_string(sent.first_seq) + "-" + std::to_string(sent.last_seq) +
                 (live ? ", live" : "");
    txn.append_audit(row);
  }
}

void audit_scope_changed(StoreTxn& txn, const DeviceIdentity& identity, std::string_view remote,
                         std::span<const std::string> removed_children, std::uint64_t now_ms) {
  for (const std::string& child_id : removed_children) {
    AuditRow row =
        device_audit_row(identity, remote, AuditAction::scope_changed, AuditOutcome::ok, now_ms);
    row.child_id = child_id;
    row.detail = "child left the caseload: the device was told to purge it";
    txn.append_audit(row);
  }
}

}  // namespace iro::server
