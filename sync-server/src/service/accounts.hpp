// Tenants (councils), users, enrolment codes, device tokens and revocation:
// the admin commands and the first message of every session.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "iro/protocol.hpp"
#include "iro/uuid.hpp"
#include "store/server_store.hpp"

namespace iro::server {

inline constexpr std::uint64_t kEnrolmentCodeLifetimeMs = 7ull * 24 * 60 * 60 * 1000;

// A tenant name is a slug: 1-40 of a-z, 0-9 and '-' ("durham", "demo-county").
// Throws Error(invalid_input) for a bad or taken name.
void add_tenant(StoreTxn& txn, std::string_view tenant, std::uint64_t now_ms);

// Returns the new user's id. Throws Error(not_found) for an unknown tenant and
// Error(invalid_input) for a bad name.
std::string add_user(StoreTxn& txn, std::string_view tenant, std::string_view name, Role role,
                     UuidV7Generator& ids, std::uint64_t now_ms);

// A one-time code for enrolling one device of the user; only its hash is kept.
// Throws Error(not_found) for an unknown user.
std::string issue_enrolment_code(StoreTxn& txn, std::string_view user_id, std::uint64_t now_ms,
                                 std::uint64_t lifetime_ms = kEnrolmentCodeLifetimeMs);

// Trades a valid code for a device token (and uses the code up).
std::variant<Enrolled, Refused> enrol_device(StoreTxn& txn, const Enrol& request,
                                             std::uint64_t now_ms);

struct Authenticated {
  DeviceIdentity identity;
  // Revoked with --collect-first: the session takes what the device pushes,
  // grants no lease, and answers its first Pull with Wipe (`wipe_reason`).
  bool collect_then_wipe = false;
  std::string wipe_reason = {};
};
struct WipeDevice {
  std::string reason;
};

// What a revoked device is told as it is wiped.
inline constexpr const char* kRevokedDevice =
    "this device was revoked by an administrator: its records are being removed";

// A device revoked with --collect-first is welcomed to hand in its changes
// for this long from its first such Hello; after that it is wiped at once.
inline constexpr std::uint64_t kCollectionWindowMs = 15ull * 60 * 1000;

// Checks a Hello's token; a revoked device is told to wipe (after pushing
// what it holds, when revoked with --collect-first, within the collection
// window). Only reads: a Hello is answered without waiting for the writer.
std::variant<Authenticated, WipeDevice, Refused> authenticate(StoreTxn& txn, const Hello& hello,
                                                              std::uint64_t now_ms);

// Records a welcomed Hello: when the device was last seen, how far it had
// pulled, how many changes it says it has yet to push, that `session_id` is
// now its session (any other of the same token is ended), and when a
// collection started.
void record_hello(StoreTxn& txn, const Hello& hello, std::string_view session_id,
                  std::uint64_t now_ms);

// Records how far a device has pulled, when it catches up (its outbox is
// pushed by then: nothing unsent).
void record_device_cursor(StoreTxn& txn, std::string_view device_id, std::uint64_t cursor);

// A device revoked with --collect-first has pushed what it held and is being
// told to wipe: from now on it is wiped at once, like any revoked device.
void finish_collection(StoreTxn& txn, std::string_view device_id);

// Marks a device revoked; its next connection receives Wipe, and its live
// sessions end within a second (every node looks: DeviceWatch). Throws
// Error(not_found) for an unknown device.
void revoke_device(StoreTxn& txn, std::string_view device_id, bool collect_first,
                   std::uint64_t now_ms);

}  // namespace iro::server
