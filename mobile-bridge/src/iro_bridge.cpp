// The C ABI of iro.h over the C++ core: the library, stores, notes and
// timescales. Records and conflicts are in documents.cpp, the built-in
// transport in sync.cpp, sans-IO sessions in sync_session.cpp. Every entry
// point goes through guarded() (bridge_support.hpp); handles are looked up in
// the table of handles.hpp.
#include "iro/iro.h"

#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bridge_support.hpp"
#include "events.hpp"
#include "handles.hpp"
#include "iro/clock.hpp"
#include "iro/date.hpp"
#include "iro/device_timescales.hpp"
#include "iro/error.hpp"
#include "iro/json.hpp"
#include "iro/status_json.hpp"
#include "iro/store.hpp"
#include "iro/timescales.hpp"
#include "iro/timescales_json.hpp"

using namespace iro::bridge;

namespace {

// "YYYY-MM-DD" from a host, named for the message when it is not a date.
iro::Date date_from_host(const std::string& text, const std::string& what) {
  if (auto date = iro::Date::parse(text)) return *date;
  throw iro::Error(iro::ErrorCode::invalid_input,
                   what + ": \"" + text.substr(0, 40) + "\" is not a date (expected YYYY-MM-DD)");
}

iro::Date today() {
  return iro::local_date_of(iro::system_clock().now_ms());
}

// iro_timescales' request: every key known, every date a date.
nlohmann::ordered_json timescales_for_request(const std::string& request_text) {
  const auto request = nlohmann::json::parse(request_text, nullptr, /*allow_exceptions=*/false);
  if (!request.is_object()) {
    throw iro::Error(iro::ErrorCode::invalid_input, "the timescales request is not a JSON object");
  }
  static const std::set<std::string> kKeys = {"looked_after", "reviews", "policy", "as_of",
                                              "scheduled"};
  const auto text_of = [&](const char* key) -> std::string {
    if (!request.contains(key)) return {};
    if (!request[key].is_string()) {
      throw iro::Error(iro::ErrorCode::invalid_input, std::string(key) + " must be a string");
    }
    return request[key].get<std::string>();
  };
  for (const auto& [key, value] : request.items()) {
    if (!kKeys.contains(key)) {
      throw iro::Error(iro::ErrorCode::invalid_input,
                       "unknown key \"" + key.substr(0, 40) +
                           "\" (known: looked_after, reviews, policy, as_of, scheduled)");
    }
  }
  if (!request.contains("looked_after")) {
    throw iro::Error(iro::ErrorCode::invalid_input, "looked_after is required");
  }
  std::vector<iro::HeldMeeting> reviews;
  if (request.contains("reviews")) {
    if (!request["reviews"].is_array()) {
      throw iro::Error(iro::ErrorCode::invalid_input, "reviews must be an array");
    }
    for (const auto& review : request["reviews"]) {
      const std::string what = "review " + std::to_string(reviews.size() + 1);
      if (review.is_string()) {
        reviews.push_back({date_from_host(review.get<std::string>(), what), ""});
      } else if (review.is_object() && review.contains("date") && review["date"].is_string()) {
        std::string reason;
        if (review.contains("out_of_timescale_reason")) {
          if (!review["out_of_timescale_reason"].is_string()) {
            throw iro::Error(iro::ErrorCode::invalid_input,
                             what + ": out_of_timescale_reason must be a string");
          }
          reason = review["out_of_timescale_reason"].get<std::string>();
        }
        reviews.push_back({date_from_host(review["date"].get<std::string>(), what), reason});
      } else {
        throw iro::Error(iro::ErrorCode::invalid_input,
                         what + " must be \"YYYY-MM-DD\" or {\"date\": ...}");
      }
    }
  }
  const std::string policy = text_of("policy");
  const std::string as_of = text_of("as_of");
  const std::string scheduled = text_of("scheduled");
  const auto& calendar = iro::HolidayCalendar::england_and_wales();
  return iro::review_timescales_json(
      iro::review_timescales(
          date_from_host(text_of("looked_after"), "looked_after"), reviews,
          iro::timescale_policy(policy.empty() ? "statutory" : policy), calendar,
          scheduled.empty() ? std::nullopt : std::optional(date_from_host(scheduled, "scheduled"))),
      as_of.empty() ? today() : date_from_host(as_of, "as_of"));
}

// The host's key: 32 bytes, or none (NULL and 0).
std::optional<iro::EncryptionKey> key_from_host(const std::uint8_t* key, std::size_t length) {
  if (key == nullptr && length == 0) return std::nullopt;
  iro::EncryptionKey bytes{};
  if (key == nullptr || length != bytes.size()) {
    throw iro::Error(iro::ErrorCode::invalid_input,
                     key == nullptr
                         ? "the key is NULL but key_length is " + std::to_string(length)
                         : "the key must be 32 bytes (AES-256), not " + std::to_string(length));
  }
  std::memcpy(bytes.data(), key, bytes.size());
  return bytes;
}

}  // namespace

extern "C" {

int iro_api_version(void) {
  return IRO_API_VERSION;
}

void iro_free(void* buffer) {
  std::free(buffer);
}

size_t iro_live_handles(void) {
  return live_handles();
}

iro_status_t iro_store_open(const char* path, const uint8_t* key, size_t key_length,
                            iro_store_t** out_store, iro_error_t* error) {
  if (out_store != nullptr) *out_store = nullptr;
  return guarded(error, [&] {
    require(path, "path");
    require(out_store, "out_store");
    auto handle = std::make_shared<StoreHandle>();
    handle->path = path;
    handle->options.encryption_key = key_from_host(key, key_length);
    handle->store = iro::DeviceStore::open(handle->path, handle->options);
    *out_store = register_store(std::move(handle));
  });
}

void iro_store_close(iro_store_t* store) {
  if (auto handle = unregister_store(store)) close_store(handle);
}

iro_status_t iro_store_device_id(iro_store_t* store, char** out_id, iro_error_t* error) {
  if (out_id != nullptr) *out_id = nullptr;
  return with_store(store, error, [&](iro::DeviceStore& device, Events&) {
    require(out_id, "out_id");
    *out_id = copy_out(device.device_id());
  });
}

iro_status_t iro_store_status_json(iro_store_t* store, char** out_json, iro_error_t* error) {
  if (out_json != nullptr) *out_json = nullptr;
  return with_store(store, error, [&](iro::DeviceStore& device, Events&) {
    require(out_json, "out_json");
    *out_json = copy_out(iro::device_status_json(device.status()).dump());
  });
}

iro_status_t iro_store_pending_changes(iro_store_t* store, uint64_t* out_count,
                                       iro_error_t* error) {
  if (out_count != nullptr) *out_count = 0;
  return with_store(store, error, [&](iro::DeviceStore& device, Events&) {
    require(out_count, "out_count");
    *out_count = device.outbox_size();
  });
}

iro_status_t iro_store_export_json(iro_store_t* store, char** out_json, iro_error_t* error) {
  if (out_json != nullptr) *out_json = nullptr;
  return with_store(store, error, [&](iro::DeviceStore& device, Events&) {
    require(out_json, "out_json");
    *out_json = copy_out(iro::export_json(device.query(iro::DocumentQuery::everything())));
  });
}

iro_status_t iro_store_set_listener(iro_store_t* store, iro_listener_fn callback, void* context,
                                    iro_error_t* error) {
  return guarded(error, [&] {
    const auto handle = find_store(store);
    handle->listener.set(callback, context);
  });
}

iro_status_t iro_note_add(iro_store_t* store, const char* child_id, const char* text, char** out_id,
                          iro_error_t* error) {
  if (out_id != nullptr) *out_id = nullptr;
  return with_store(store, error, [&](iro::DeviceStore& device, Events& events) {
    require(child_id, "child_id");
    require(text, "text");
    require(out_id, "out_id");
    const iro::Date today = iro::Date::from_unix_ms(iro::system_clock().now_ms());
    const iro::FieldMap fields = {{"note", std::string(text)}, {"date", today}};
    const std::string id = device.create(iro::Kind::visit, child_id, fields);
    events.push_back(local_change_event(id));
    *out_id = copy_out(id);
  });
}

iro_status_t iro_child_timescales(iro_store_t* store, const char* child_id, const char* as_of,
                                  char** out_json, iro_error_t* error) {
  if (out_json != nullptr) *out_json = nullptr;
  return with_store(store, error, [&](iro::DeviceStore& device, Events&) {
    require(child_id, "child_id");
    require(out_json, "out_json");
    const iro::Date on = as_of == nullptr ? today() : date_from_host(as_of, "as_of");
    *out_json = copy_out(iro::device_child_timescales_json(
                             device, child_id, iro::HolidayCalendar::england_and_wales(), on)
                             .dump());
  });
}

iro_status_t iro_timescales(const char* request_json, char** out_json, iro_error_t* error) {
  if (out_json != nullptr) *out_json = nullptr;
  return guarded(error, [&] {
    require(request_json, "request_json");
    require(out_json, "out_json");
    *out_json = copy_out(timescales_for_request(request_json).dump());
  });
}

}  // extern "C"
