// Records and conflicts as JSON (iro.h, "Records as JSON", "Conflicts"): the
// same readers and writers as the command line (iro/json.hpp,
// iro/conflicts.hpp), so a value the CLI refuses is refused here with the
// same message.
#include <nlohmann/json.hpp>
#include <string>

#include "bridge_support.hpp"
#include "events.hpp"
#include "handles.hpp"
#include "iro/conflicts.hpp"
#include "iro/error.hpp"
#include "iro/iro.h"
#include "iro/json.hpp"
#include "iro/store.hpp"

using namespace iro::bridge;

namespace {

using nlohmann::json;

iro::Kind kind_from_host(const char* name) {
  if (auto kind = iro::parse_kind(name)) return *kind;
  std::string known;
  for (const iro::Kind kind : iro::all_kinds()) {
    if (!known.empty()) known += ", ";
    known += iro::to_string(kind);
  }
  throw iro::Error(
      iro::ErrorCode::invalid_input,
      "\"" + std::string(name).substr(0, 40) + "\" is not a record kind (kinds: " + known + ")");
}

// The host's "fields" object, read for `kind` as `iro add`/`iro edit` read theirs.
iro::FieldMap fields_from_host(iro::Kind kind, const char* fields_json) {
  json fields;
  try {
    fields = json::parse(fields_json);
  } catch (const json::parse_error& failure) {
    throw iro::Error(iro::ErrorCode::invalid_input,
                     std::string("fields_json is not JSON: ") + failure.what());
  }
  return iro::fields_from_json(kind, fields);
}

std::string compact(const json& value) {
  // Values from a server are not re-validated on the device; replacing bad
  // UTF-8 keeps one bad byte from failing the call (as export does).
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

extern "C" {

iro_status_t iro_document_create(iro_store_t* store, const char* kind, const char* child_id,
                                 const char* fields_json, char** out_id, iro_error_t* error) {
  if (out_id != nullptr) *out_id = nullptr;
  return with_store(store, error, [&](iro::DeviceStore& device, Events& events) {
    require(kind, "kind");
    require(child_id, "child_id");
    require(fields_json, "fields_json");
    require(out_id, "out_id");
    const iro::Kind parsed = kind_from_host(kind);
    const std::string id = device.create(parsed, child_id, fields_from_host(parsed, fields_json));
    events.push_back(local_change_event(id));
    *out_id = copy_out(id);
  });
}

iro_status_t iro_document_edit(iro_store_t* store, const char* doc_id, const char* fields_json,
                               iro_error_t* error) {
  return with_store(store, error, [&](iro::DeviceStore& device, Events& events) {
    require(doc_id, "doc_id");
    require(fields_json, "fields_json");
    const auto existing = device.get(doc_id);  // its kind says how to read the fields
    if (!existing) {
      throw iro::Error(iro::ErrorCode::not_found,
                       "no document " + std::string(doc_id).substr(0, 40));
    }
    const iro::FieldMap fields = fields_from_host(existing->kind, fields_json);
    if (fields.empty()) return;  // nothing to change
    device.edit(doc_id, fields);
    events.push_back(local_change_event(doc_id));
  });
}

iro_status_t iro_document_get(iro_store_t* store, const char* doc_id, char** out_json,
                              iro_error_t* error) {
  if (out_json != nullptr) *out_json = nullptr;
  return with_store(store, error, [&](iro::DeviceStore& device, Events&) {
    require(doc_id, "doc_id");
    require(out_json, "out_json");
    if (const auto document = device.get(doc_id)) {
      *out_json = copy_out(compact(iro::document_to_json(*document)));
    }
  });
}

iro_status_t iro_document_query(iro_store_t* store, const char* kind, const char* child_id,
                                char** out_json, iro_error_t* error) {
  if (out_json != nullptr) *out_json = nullptr;
  return with_store(store, error, [&](iro::DeviceStore& device, Events&) {
    require(out_json, "out_json");
    iro::DocumentQuery query;
    if (kind != nullptr) query.kind = kind_from_host(kind);
    if (child_id != nullptr) query.child_id = child_id;
    json documents = json::array();
    for (const iro::Document& document : device.query(query)) {
      documents.push_back(iro::document_to_json(document));
    }
    *out_json = copy_out(compact(documents));
  });
}

iro_status_t iro_document_delete(iro_store_t* store, const char* doc_id, iro_error_t* error) {
  return with_store(store, error, [&](iro::DeviceStore& device, Events& events) {
    require(doc_id, "doc_id");
    device.remove(doc_id);
    events.push_back(local_change_event(doc_id));
  });
}

iro_status_t iro_conflict_list(iro_store_t* store, char** out_json, iro_error_t* error) {
  if (out_json != nullptr) *out_json = nullptr;
  return with_store(store, error, [&](iro::DeviceStore& device, Events&) {
    require(out_json, "out_json");
    *out_json = copy_out(compact(iro::device_conflicts_json(device)));
  });
}

iro_status_t iro_conflict_resolve(iro_store_t* store, const char* doc_id, const char* conflict_id,
                                  iro_conflict_resolution_t resolution, const char* text,
                                  iro_error_t* error) {
  return with_store(store, error, [&](iro::DeviceStore& device, Events& events) {
    require(doc_id, "doc_id");
    require(conflict_id, "conflict_id");
    iro::ConflictResolution how = iro::ConflictResolution::keep;
    switch (enum_value(resolution)) {
      case IRO_RESOLVE_KEEP:
        break;
      case IRO_RESOLVE_TAKE:
        how = iro::ConflictResolution::take;
        break;
      case IRO_RESOLVE_TEXT:
        require(text, "text (with IRO_RESOLVE_TEXT)");
        how = iro::ConflictResolution::text;
        break;
      default:
        throw Misuse("resolution must be IRO_RESOLVE_KEEP, IRO_RESOLVE_TAKE or IRO_RESOLVE_TEXT");
    }
    iro::resolve_device_conflict(device, doc_id, conflict_id, how, text == nullptr ? "" : text);
    events.push_back(local_change_event(doc_id));
  });
}

}  // extern "C"
