// Attachments (iro.h, "Attachments"): a child's drawing or a photo on a
// record, through DeviceStore's blobs (iro/blob.hpp).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "bridge_support.hpp"
#include "events.hpp"
#include "handles.hpp"
#include "iro/error.hpp"
#include "iro/iro.h"
#include "iro/store.hpp"

using namespace iro::bridge;

extern "C" {

iro_status_t iro_attachment_add(iro_store_t* store, const char* doc_id, const uint8_t* bytes,
                                size_t length, char** out_hash, iro_error_t* error) {
  if (out_hash != nullptr) *out_hash = nullptr;
  return with_store(store, error, [&](iro::DeviceStore& device, Events& events) {
    require(doc_id, "doc_id");
    require(out_hash, "out_hash");
    const std::string hash = device.add_attachment(doc_id, bytes_from_host(bytes, length));
    events.push_back(local_change_event(doc_id));
    *out_hash = copy_out(hash);
  });
}

iro_status_t iro_attachment_get(iro_store_t* store, const char* hash, uint8_t** out_bytes,
                                size_t* out_length, iro_error_t* error) {
  if (out_bytes != nullptr) *out_bytes = nullptr;
  if (out_length != nullptr) *out_length = 0;
  return with_store(store, error, [&](iro::DeviceStore& device, Events&) {
    require(hash, "hash");
    require(out_bytes, "out_bytes");
    require(out_length, "out_length");
    const std::optional<iro::Bytes> held = device.attachment(hash);
    if (!held) {
      throw iro::Error(iro::ErrorCode::not_found, "this device does not hold attachment " +
                                                      std::string(hash).substr(0, 64) +
                                                      " (yet: sync to fetch it)");
    }
    *out_bytes = copy_out(*held);
    *out_length = held->size();
  });
}

iro_status_t iro_attachments_json(iro_store_t* store, char** out_json, iro_error_t* error) {
  if (out_json != nullptr) *out_json = nullptr;
  return with_store(store, error, [&](iro::DeviceStore& device, Events&) {
    require(out_json, "out_json");
    nlohmann::json array = nlohmann::json::array();
    for (const iro::AttachmentInfo& blob : device.attachments()) {
      nlohmann::json entry = {{"hash", blob.hash},
                              {"size", blob.size},
                              {"received", blob.received},
                              {"state", iro::to_string(blob.state)}};
      if (!blob.reason.empty()) entry["reason"] = blob.reason;
      array.push_back(std::move(entry));
    }
    *out_json = copy_out(array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  });
}

}  // extern "C"
