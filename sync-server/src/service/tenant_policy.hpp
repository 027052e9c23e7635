// A council's review timescales, set per tenant by an administrator and sent
// to every device in Welcome, so tablets compute the council's local targets
// offline (docs/ARCHITECTURE.md, Timescales).
#pragma once

#include <string>
#include <string_view>

#include "iro/timescale_policy.hpp"
#include "store/server_store.hpp"

namespace iro::server {

// Throws Error(invalid_input) for a name that is no TimescalePolicy (the
// message lists the known ones) and Error(not_found) for an unknown tenant.
void set_tenant_timescale_policy(StoreTxn& txn, std::string_view tenant, std::string_view policy);

// The tenant's policy name, as Welcome carries it ("statutory" until set).
// Throws Error(not_found) for an unknown tenant.
std::string tenant_timescale_policy_name(StoreTxn& txn, std::string_view tenant);

// The tenant's policy. Throws as tenant_timescale_policy_name does, and
// Error(invalid_input) should the stored name be one this build does not know.
const TimescalePolicy& tenant_timescale_policy(StoreTxn& txn, std::string_view tenant);

}  // namespace iro::server
