#include "service/tenant_policy.hpp"

#include "iro/error.hpp"

namespace iro::server {

void set_tenant_timescale_policy(StoreTxn& txn, std::string_view tenant, std::string_view policy) {
  // The name first: a misspelt policy is the likelier slip, and the message lists the names.
  const TimescalePolicy& known = timescale_policy(policy);
  if (!txn.tenant_exists(tenant)) {
    throw Error(ErrorCode::not_found, "no tenant " + std::string(tenant.substr(0, 60)));
  }
  txn.set_timescale_policy(tenant, known.name);
}

std::string tenant_timescale_policy_name(StoreTxn& txn, std::string_view tenant) {
  auto name = txn.timescale_policy(tenant);
  if (!name) throw Error(ErrorCode::not_found, "no tenant " + std::string(tenant.substr(0, 60)));
  return std::move(*name);
}

const TimescalePolicy& tenant_timescale_policy(StoreTxn& txn, std::string_view tenant) {
  return timescale_policy(tenant_timescale_policy_name(txn, tenant));
}

}  // namespace iro::server
