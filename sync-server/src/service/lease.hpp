// The offline lease the server grants each device in Welcome (docs/
// security.md, "A lost tablet"): how many days the device's encrypted store
// stays open without reaching the server (the tenant's setting, 1-90, 14
// until set), and the secret that unlocks it once they have passed. The
// secret is HMAC-SHA256(the server's lease master secret, device id): the
// same for a device at every sync, different for every device, and never
// stored per device. The master secret is 32 random bytes made on first use
// and kept in the store's meta table.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "iro/codec.hpp"
#include "store/server_store.hpp"

namespace iro::server {

inline constexpr int kDefaultLeaseDays = 14;

struct LeaseGrant {
  Bytes secret;  // kLeaseSecretBytes
  std::uint64_t days = 0;
};

// The lease for `device_id` of `tenant`, inside the caller's transaction
// (which makes the master secret on the first call). Throws
// Error(not_found) for an unknown tenant.
LeaseGrant lease_for(StoreTxn& txn, std::string_view tenant, std::string_view device_id);

// The same, read only: nullopt until the master secret has been made (a
// Hello is answered from a read transaction; the first one ever makes it
// with ensure_lease_master_secret, in a write).
std::optional<LeaseGrant> existing_lease_for(StoreTxn& txn, std::string_view tenant,
                                             std::string_view device_id);
void ensure_lease_master_secret(StoreTxn& txn);

// Sets the tenant's lease. Throws Error(invalid_input) for days outside 1-90,
// Error(not_found) for an unknown tenant.
void set_tenant_lease_days(StoreTxn& txn, std::string_view tenant, int days);

}  // namespace iro::server
