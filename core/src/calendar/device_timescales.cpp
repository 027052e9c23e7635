#include "iro/device_timescales.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "iro/child_timescales.hpp"
#include "iro/child_timescales_json.hpp"
#include "iro/error.hpp"

namespace iro {

const TimescalePolicy& device_timescale_policy(const DeviceStore& store) {
  const std::string name = store.status().timescale_policy;
  try {
    return timescale_policy(name.empty() ? "statutory" : name);
  } catch (const Error& error) {
    throw Error(error.code(), std::string("the council's policy, from the server: ") +
                                  error.what() + "; this build of iro is older than the server's");
  }
}

namespace {

nlohmann::ordered_json timescales_of(const DeviceStore& store, std::string_view child_id,
                                     const TimescalePolicy& policy, const HolidayCalendar& calendar,
                                     Date as_of, std::optional<Date> scheduled) {
  // The child and their reviews: all the timescales read (a caseload of
  // thousands of visit notes need not be decrypted to know a review date).
  const auto of_kind = [&](Kind kind) {
    DocumentQuery query = DocumentQuery::of_child(std::string(child_id));
    query.kind = kind;
    return store.query(query);
  };
  std::vector<Document> records = of_kind(Kind::child);
  for (Document& review : of_kind(Kind::review)) records.push_back(std::move(review));
  const auto child = std::ranges::find(records, Kind::child, &Document::kind);
  if (child == records.end()) {
    throw Error(ErrorCode::not_found,
                "this device holds no child " + std::string(child_id.substr(0, 64)) +
                    " (a child's record arrives when the child is allocated to you and you sync)");
  }
  return child_timescales_json(
      child_timescales(*child, records, policy, calendar, as_of, scheduled), as_of);
}

}  // namespace

nlohmann::ordered_json device_child_timescales_json(const DeviceStore& store,
                                                    std::string_view child_id,
                                                    const HolidayCalendar& calendar, Date as_of,
                                                    std::optional<Date> scheduled) {
  return timescales_of(store, child_id, device_timescale_policy(store), calendar, as_of, scheduled);
}

nlohmann::ordered_json device_child_timescales_json(const DeviceStore& store,
                                                    std::string_view child_id,
                                                    const TimescalePolicy& policy,
                                                    const HolidayCalendar& calendar, Date as_of) {
  return timescales_of(store, child_id, policy, calendar, as_of, std::nullopt);
}

}  // namespace iro
