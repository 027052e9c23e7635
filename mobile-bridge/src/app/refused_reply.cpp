#include <algorithm>

#include "app/app_screens.hpp"
#include "iro/json.hpp"

namespace iro::app {

nlohmann::json refused_reply(const DeviceStore& store) {
  std::vector<RejectedChange> refused = store.rejected_changes();
  std::stable_sort(refused.begin(), refused.end(),
                   [](const auto& a, const auto& b) { return a.rejected_ms > b.rejected_ms; });
  nlohmann::json changes = nlohmann::json::array();
  for (const RejectedChange& entry : refused) {
    const Change& change = entry.change;
    changes.push_back({{"doc_id", change.doc_id},
                       {"kind", std::string(to_string(change.kind))},
                       {"child_id", change.child_id},
                       {"field", change.field},
                       {"value", value_to_json(change.value)},
                       {"reason", entry.reason},
                       {"refused_ms", entry.rejected_ms}});
  }
  return {{"changes", changes}};
}

}  // namespace iro::app
