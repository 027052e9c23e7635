#include "service/accounts.hpp"

#include "iro/error.hpp"
#include "service/secrets.hpp"

namespace iro::server {
namespace {

bool is_slug(std::string_view name) {
  if (name.empty() || name.size() > 40 || name.front() == '-' || name.back() == '-') return false;
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

}  // namespace

void add_tenant(StoreTxn& txn, std::string_view tenant, std::uint64_t now_ms) {
  if (!is_slug(tenant)) {
    throw Error(ErrorCode::invalid_input, "\"" + std::string(tenant.substr(0, 60)) +
                                              "\" is not a tenant name (1-40 of a-z, 0-9 and '-')");
  }
  if (txn.tenant_exists(tenant)) {
    throw Error(ErrorCode::invalid_input, "tenant " + std::string(tenant) + " already exists");
  }
  txn.insert_tenant(tenant, now_ms);
}

std::string add_user(StoreTxn& txn, std::string_view tenant, std::string_view name, Role role,
                     UuidV7Generator& ids, std::uint64_t now_ms) {
  if (!txn.tenant_exists(tenant)) {
    throw Error(ErrorCode::not_found, "no tenant " + std::string(tenant));
  }
  if (name.empty() || name.size() > 200) {
    throw Error(ErrorCode::invalid_input, "a user's name must be 1-200 characters");
  }
  UserRow user{ids.next(now_ms), std::string(tenant), std::string(name), role};
  txn.insert_user(user);
  return user.id;
}

std::string issue_enrolment_code(StoreTxn& txn, std::string_view user_id, std::uint64_t now_ms,
                                 std::uint64_t lifetime_ms) {
  const auto user = txn.user(user_id);
  if (!user) throw Error(ErrorCode::not_found, "no user " + std::string(user_id));
  const std::string code = new_enrolment_code();
  txn.put_enrolment(EnrolmentRow{sha256_hex(normalised_code(code)), user->id, user->tenant, now_ms,
                                 now_ms + lifetime_ms, std::nullopt});
  return code;
}

std::variant<Enrolled, Refused> enrol_device(StoreTxn& txn, const Enrol& request,
                                             std::uint64_t now_ms) {
  auto enrolment = txn.enrolment(sha256_hex(normalised_code(request.code)));
  if (!enrolment) return Refused{RefusalCode::bad_code, "unknown enrolment code"};
  if (enrolment->used_ms) {
    return Refused{RefusalCode::bad_code, "this enrolment code has already been used"};
  }
  if (now_ms > enrolment->expires_ms) {
    return Refused{RefusalCode::bad_code, "this enrolment code has expired; ask for a new one"};
  }
  if (!is_canonical_uuid(request.device_id)) {
    return Refused{RefusalCode::malformed, "the device id is not a UUID"};
  }
  if (txn.device(request.device_id)) {
    return Refused{RefusalCode::not_allowed, "this device is already enrolled"};
  }
  const std::string token = new_device_token();
  DeviceRow device;
  device.id = request.device_id;
  device.tenant = enrolment->tenant;
  device.user_id = enrolment->user_id;
  device.name = request.device_name.substr(0, 200);
  device.token_hash = sha256_hex(token);
  device.enrolled_ms = now_ms;
  device.last_seen_ms = now_ms;
  txn.put_device(device);
  enrolment->used_ms = now_ms;
  txn.put_enrolment(*enrolment);
  return Enrolled{device.id, token, device.user_id, device.tenant};
}

std::variant<Authenticated, WipeDevice, Refused> authenticate(StoreTxn& txn, const Hello& hello,
                                                              std::uint64_t now_ms) {
  if (hello.device_token.empty()) {
    return Refused{RefusalCode::bad_token, "no device token: enrol this device first"};
  }
  auto device = txn.device_by_token_hash(sha256_hex(hello.device_token));
  if (!device)
    return Refused{RefusalCode::bad_token, "this device is not enrolled (unknown token)"};
  if (device->id != hello.device_id) {
    return Refused{RefusalCode::bad_token, "the token does not belong to this device"};
  }
  if (device->revoked_ms && !device->collect_first) return WipeDevice{kRevokedDevice};
  if (device->revoked_ms && device->collect_started_ms &&
      now_ms > *device->collect_started_ms + kCollectionWindowMs) {
    return WipeDevice{kRevokedDevice};  // it had its chance to hand in its changes
  }
  const auto user = txn.user(device->user_id);
  if (!user) {
    if (device->revoked_ms) return WipeDevice{kRevokedDevice};
    return Refused{RefusalCode::bad_token, "the device's user no longer exists"};
  }
  Authenticated authenticated{DeviceIdentity{device->id, user->id, user->tenant, user->role}};
  if (device->revoked_ms) {
    authenticated.collect_then_wipe = true;
    authenticated.wipe_reason = kRevokedDevice;
  }
  return authenticated;
}

void record_hello(StoreTxn& txn, const Hello& hello, std::string_view session_id,
                  std::uint64_t now_ms) {
  auto device = txn.device(hello.device_id);
  if (!device) return;
  device->last_seen_ms = now_ms;
  device->last_cursor = hello.cursor;
  device->unsent_changes = hello.outbox_size;
  device->session_id = std::string(session_id);
  if (device->revoked_ms && device->collect_first && !device->collect_started_ms) {
    device->collect_started_ms = now_ms;
  }
  txn.put_device(*device);
}

void record_device_cursor(StoreTxn& txn, std::string_view device_id, std::uint64_t cursor) {
  auto device = txn.device(device_id);
  if (!device || (device->last_cursor == cursor && device->unsent_changes == 0)) return;
  device->last_cursor = cursor;
  device->unsent_changes = 0;  // a device pushes its outbox before it pulls
  txn.put_device(*device);
}

void finish_collection(StoreTxn& txn, std::string_view device_id) {
  auto device = txn.device(device_id);
  if (!device || !device->collect_first) return;
  device->collect_first = false;
  txn.put_device(*device);
}

void revoke_device(StoreTxn& txn, std::string_view device_id, bool collect_first,
                   std::uint64_t now_ms) {
  auto device = txn.device(device_id);
  if (!device) throw Error(ErrorCode::not_found, "no device " + std::string(device_id));
  device->revoked_ms = now_ms;
  device->collect_first = collect_first;
  txn.put_device(*device);
}

}  // namespace iro::server
