// Conflicts as the person holding the device sees them, and resolving one:
// what `iro conflicts` prints and the bridge returns, from one place. What a
// conflict is: docs/ARCHITECTURE.md, "Merge".
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "iro/document.hpp"
#include "iro/store.hpp"

namespace iro {

// One conflict as `iro conflicts --json` prints it: {"doc_id", "kind",
// "child_id", "id" (the slot, e.g. "note#42"), "field", "value" (the words
// that lost), "current" (the record's words, null when unset), "device_id",
// "hlc"}.
nlohmann::json conflict_to_json(const Document& document, const Conflict& conflict);

// Every conflict on the device's records, records by id: a JSON array of
// conflict_to_json objects.
nlohmann::json device_conflicts_json(const DeviceStore& store);

enum class ConflictResolution {
  keep,  // the record keeps its words
  take,  // the record takes the conflict's words
  text,  // the record takes words the person wrote from both
};

// Resolves conflict `slot` of record `doc_id` (DeviceStore::resolve_conflict):
// an ordinary change that syncs and clears the conflict on every device.
// `text` is used only with ConflictResolution::text. Throws Error(not_found)
// when the record has no such conflict, and edit()'s errors for bad words.
void resolve_device_conflict(DeviceStore& store, std::string_view doc_id, std::string_view slot,
                             ConflictResolution how, std::string_view text = {});

}  // namespace iro
