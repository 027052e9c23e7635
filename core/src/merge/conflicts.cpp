#include "iro/conflicts.hpp"

#include <optional>
#include <string>

#include "iro/error.hpp"
#include "iro/json.hpp"

namespace iro {

nlohmann::json conflict_to_json(const Document& document, const Conflict& conflict) {
  const Value* current = document.field(conflict.field);
  return {{"doc_id", document.id},
          {"kind", std::string(to_string(document.kind))},
          {"child_id", document.child_id},
          {"id", conflict.slot},
          {"field", conflict.field},
          {"value", value_to_json(conflict.value)},
          {"current", current ? value_to_json(*current) : nlohmann::json(nullptr)},
          {"device_id", conflict.device_id},
          {"hlc", conflict.hlc.to_string()}};
}

nlohmann::json device_conflicts_json(const DeviceStore& store) {
  nlohmann::json conflicts = nlohmann::json::array();
  for (const Document& document : store.query(DocumentQuery::everything())) {
    for (const Conflict& conflict : document.conflicts) {
      conflicts.push_back(conflict_to_json(document, conflict));
    }
  }
  return conflicts;
}

void resolve_device_conflict(DeviceStore& store, std::string_view doc_id, std::string_view slot,
                             ConflictResolution how, std::string_view text) {
  const auto document = store.get(doc_id);
  const Conflict* conflict = nullptr;
  if (document) {
    for (const Conflict& candidate : document->conflicts) {
      if (candidate.slot == slot) conflict = &candidate;
    }
  }
  if (conflict == nullptr) {
    throw Error(ErrorCode::not_found, "no conflict " + std::string(slot.substr(0, 80)) +
                                          " on record " + std::string(doc_id.substr(0, 40)));
  }
  std::optional<Value> words;
  if (how == ConflictResolution::take) words = conflict->value;
  if (how == ConflictResolution::text) words = Value{std::string(text)};
  store.resolve_conflict(doc_id, slot, words);
}

}  // namespace iro
