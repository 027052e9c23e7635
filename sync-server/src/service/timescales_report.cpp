#include "service/timescales_report.hpp"

#include <map>

#include "iro/child_timescales.hpp"
#include "iro/child_timescales_json.hpp"
#include "iro/error.hpp"
#include "iro/holiday_calendar.hpp"
#include "service/tenant_policy.hpp"

namespace iro::server {
namespace {

using nlohmann::ordered_json;

// Who the report reads as: an IRO's allocation, or the whole council.
DeviceIdentity reader_of(StoreTxn& txn, const TimescalesReportScope& scope) {
  if (scope.user_id.empty()) {
    if (scope.tenant.empty()) {
      throw Error(ErrorCode::invalid_input, "say whose children: --tenant T or --user U");
    }
    if (!txn.tenant_exists(scope.tenant)) {
      throw Error(ErrorCode::not_found, "no tenant " + scope.tenant.substr(0, 60));
    }
    return DeviceIdentity{"", "", scope.tenant, Role::admin};
  }
  const auto user = txn.user(scope.user_id);
  if (!user) throw Error(ErrorCode::not_found, "no user " + scope.user_id.substr(0, 60));
  if (!scope.tenant.empty() && user->tenant != scope.tenant) {
    throw Error(ErrorCode::invalid_input, "user " + user->id + " is in tenant " + user->tenant +
                                              ", not " + scope.tenant.substr(0, 60));
  }
  // The children allocated to them, whatever their role: a manager's own caseload.
  return DeviceIdentity{"", user->id, user->tenant, Role::iro};
}

}  // namespace

TimescalesReport timescales_report(StoreTxn& txn, const TimescalesReportScope& scope, Date as_of) {
  const DeviceIdentity reader = reader_of(txn, scope);
  const TimescalePolicy& policy = tenant_timescale_policy(txn, reader.tenant);
  const HolidayCalendar& calendar = HolidayCalendar::england_and_wales();

  std::map<std::string, std::vector<Document>, std::less<>> reviews_by_child;
  for (Document& review : txn.documents_in_scope(reader, Kind::review)) {
    reviews_by_child[review.child_id].push_back(std::move(review));
  }
  std::map<std::string, Document, std::less<>> children;  // by child id: the report's order
  for (Document& child : txn.documents_in_scope(reader, Kind::child)) {
    if (!child.deleted) children.emplace(child.child_id, std::move(child));
  }

  TimescalesReport report;
  for (const auto& [child_id, child] : children) {
    const auto iro = txn.allocated_user(reader.tenant, child_id);
    ordered_json line;
    line["child_id"] = child_id;
    line["iro_user_id"] = iro ? ordered_json(*iro) : ordered_json(nullptr);
    const auto reviews = reviews_by_child.find(child_id);
    try {
      const ordered_json summary = child_timescales_summary_json(
          child_timescales(child,
                           reviews == reviews_by_child.end()
                               ? std::span<const Document>()
                               : std::span<const Document>(reviews->second),
                           policy, calendar, as_of),
          as_of);
      for (const auto& item : summary.items()) {
        if (item.key() != "child_id") line[item.key()] = item.value();
      }
    } catch (const Error& error) {
      // One child's incomplete record must not hide every other child's dates.
      line["policy"] = std::string(policy.name);
      line["error"] = error.what();
      ++report.unassessed;
    }
    report.lines.push_back(std::move(line));
  }
  return report;
}

}  // namespace iro::server
