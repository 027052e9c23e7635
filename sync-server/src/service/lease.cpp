#include "service/lease.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <string>

#include "iro/error.hpp"
#include "iro/protocol.hpp"

namespace iro::server {
namespace {

constexpr std::size_t kMasterSecretBytes = 32;

Bytes master_secret(StoreTxn& txn) {
  if (auto secret = txn.lease_master_secret()) return *std::move(secret);
  Bytes secret(kMasterSecretBytes);
  if (RAND_bytes(secret.data(), int(secret.size())) != 1) {
    throw Error(ErrorCode::internal, "the system random generator failed");
  }
  txn.save_lease_master_secret(secret);
  return secret;
}

Bytes hmac_sha256(const Bytes& key, std::string_view message) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), int(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), out.data(),
           &length) == nullptr) {
    throw Error(ErrorCode::internal, "OpenSSL failed: HMAC-SHA256");
  }
  out.resize(length);
  return out;
}

LeaseGrant lease_from(StoreTxn& txn, const Bytes& master, std::string_view tenant,
                      std::string_view device_id) {
  const auto days = txn.lease_days(tenant);
  if (!days) throw Error(ErrorCode::not_found, "no tenant " + std::string(tenant.substr(0, 60)));
  // A label before the device id, so this HMAC is never another use's.
  Bytes secret = hmac_sha256(master, "iro-sync lease secret for device " + std::string(device_id));
  secret.resize(kLeaseSecretBytes);
  return {std::move(secret), std::uint64_t(*days)};
}

}  // namespace

LeaseGrant lease_for(StoreTxn& txn, std::string_view tenant, std::string_view device_id) {
  return lease_from(txn, master_secret(txn), tenant, device_id);
}

std::optional<LeaseGrant> existing_lease_for(StoreTxn& txn, std::string_view tenant,
                                             std::string_view device_id) {
  const std::optional<Bytes> master = txn.lease_master_secret();
  if (!master) return std::nullopt;
  return lease_from(txn, *master, tenant, device_id);
}

void ensure_lease_master_secret(StoreTxn& txn) {
  master_secret(txn);
}

void set_tenant_lease_days(StoreTxn& txn, std::string_view tenant, int days) {
  if (days < 1 || days > kMaxLeaseDays) {
    throw Error(ErrorCode::invalid_input, "a lease is 1-" + std::to_string(kMaxLeaseDays) +
                                              " days, not " + std::to_string(days));
  }
  if (!txn.tenant_exists(tenant)) {
    throw Error(ErrorCode::not_found, "no tenant " + std::string(tenant.substr(0, 60)));
  }
  txn.set_lease_days(tenant, days);
}

}  // namespace iro::server
