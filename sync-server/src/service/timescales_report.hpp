// The managers' view of review timescales: one line per child in scope, from
// the records on the server, computed by the same core functions as a
// device's `iro timescales --child` (core/include/iro/child_timescales.hpp).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "iro/date.hpp"
#include "store/server_store.hpp"

namespace iro::server {

// Whose children: those allocated to `user_id`, or, when it is empty, every
// child of `tenant`. Either may be empty, not both; when both are given the
// user must belong to the tenant.
struct TimescalesReportScope {
  std::string tenant;
  std::string user_id;
};

struct TimescalesReport {
  // Sorted by child id: {"child_id", "iro_user_id" (null when unallocated),
  // then child_timescales_summary_json()'s keys}; for a child whose dates
  // cannot be computed (no looked_after_since), {"child_id", "iro_user_id",
  // "policy", "error"}.
  std::vector<nlohmann::ordered_json> lines;
  std::size_t unassessed = 0;  // lines with an "error"
};

// Throws Error(not_found) for an unknown tenant or user, Error(invalid_input)
// for a user of another tenant or a scope naming neither.
TimescalesReport timescales_report(StoreTxn& txn, const TimescalesReportScope& scope, Date as_of);

}  // namespace iro::server
