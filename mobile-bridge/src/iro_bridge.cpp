// The C ABI of iro.h over the C++ core. Every entry point goes through
// guarded(), which turns exceptions into a status and an error record.
#include "iro/iro.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "iro/clock.hpp"
#include "iro/date.hpp"
#include "iro/device_timescales.hpp"
#include "iro/error.hpp"
#include "iro/json.hpp"
#include "iro/store.hpp"
#include "iro/timescales.hpp"
#include "iro/timescales_json.hpp"

struct iro_store {
  std::mutex lock;  // serialises calls from several host threads
  std::unique_ptr<iro::DeviceStore> store;
};

namespace {

std::atomic<std::size_t> g_live_handles{0};

iro_status_t report(iro_error_t* error, iro_status_t status, int transient, const char* message) {
  if (error != nullptr) {
    error->domain = IRO_DOMAIN_IRO;
    error->code = status;
    error->transient = transient;
    std::strncpy(error->message, message, sizeof error->message - 1);
    error->message[sizeof error->message - 1] = '\0';
  }
  return status;
}

template <typename Body>
iro_status_t guarded(iro_error_t* error, Body body) {
  try {
    body();
    return IRO_OK;
  } catch (const iro::Error& failure) {
    return report(error, static_cast<iro_status_t>(failure.code()), failure.transient(),
                  failure.what());
  } catch (const std::bad_alloc&) {
    return report(error, IRO_ERR_INTERNAL, 1, "out of memory");
  } catch (const std::exception& failure) {
    return report(error, IRO_ERR_INTERNAL, 0, failure.what());
  }
}

// A copy the host frees with iro_free (malloc, so any C host can free it too).
char* copy_out(const std::string& text) {
  char* buffer = static_cast<char*>(std::malloc(text.size() + 1));
  if (buffer == nullptr) throw std::bad_alloc();
  std::memcpy(buffer, text.c_str(), text.size() + 1);
  return buffer;
}

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

iro_status_t misuse(iro_error_t* error, const char* what) {
  return report(error, IRO_ERR_MISUSE, 0, what);
}

template <typename Body>
iro_status_t with_store(iro_store_t* store, iro_error_t* error, Body body) {
  if (store == nullptr) return misuse(error, "the store handle is NULL");
  std::lock_guard<std::mutex> hold(store->lock);
  return guarded(error, [&] { body(*store->store); });
}

}  // namespace

extern "C" {

int iro_api_version(void) {
  return IRO_API_VERSION;
}

iro_status_t iro_store_open(const char* path, iro_store_t** out_store, iro_error_t* error) {
  if (path == nullptr || out_store == nullptr)
    return misuse(error, "path and out_store are required");
  *out_store = nullptr;
  return guarded(error, [&] {
    auto handle = std::make_unique<iro_store>();
    handle->store = iro::DeviceStore::open(path);
    *out_store = handle.release();
    ++g_live_handles;
  });
}

void iro_store_close(iro_store_t* store) {
  if (store == nullptr) return;
  delete store;
  --g_live_handles;
}

iro_status_t iro_store_device_id(iro_store_t* store, char** out_id, iro_error_t* error) {
  if (out_id == nullptr) return misuse(error, "out_id is required");
  return with_store(store, error,
                    [&](iro::DeviceStore& device) { *out_id = copy_out(device.device_id()); });
}

iro_status_t iro_note_add(iro_store_t* store, const char* child_id, const char* text, char** out_id,
                          iro_error_t* error) {
  if (child_id == nullptr || text == nullptr || out_id == nullptr) {
    return misuse(error, "child_id, text and out_id are required");
  }
  return with_store(store, error, [&](iro::DeviceStore& device) {
    const iro::Date today = iro::Date::from_unix_ms(iro::system_clock().now_ms());
    const iro::FieldMap fields = {{"note", std::string(text)}, {"date", today}};
    *out_id = copy_out(device.create(iro::Kind::visit, child_id, fields));
  });
}

iro_status_t iro_store_export_json(iro_store_t* store, char** out_json, iro_error_t* error) {
  if (out_json == nullptr) return misuse(error, "out_json is required");
  return with_store(store, error, [&](iro::DeviceStore& device) {
    *out_json = copy_out(iro::export_json(device.query(iro::DocumentQuery::everything())));
  });
}

iro_status_t iro_store_pending_changes(iro_store_t* store, uint64_t* out_count,
                                       iro_error_t* error) {
  if (out_count == nullptr) return misuse(error, "out_count is required");
  return with_store(store, error,
                    [&](iro::DeviceStore& device) { *out_count = device.outbox_size(); });
}

iro_status_t iro_child_timescales(iro_store_t* store, const char* child_id, const char* as_of,
                                  char** out_json, iro_error_t* error) {
  if (child_id == nullptr || out_json == nullptr) {
    return misuse(error, "child_id and out_json are required");
  }
  return with_store(store, error, [&](iro::DeviceStore& device) {
    const iro::Date on = as_of == nullptr ? today() : date_from_host(as_of, "as_of");
    *out_json = copy_out(iro::device_child_timescales_json(
                             device, child_id, iro::HolidayCalendar::england_and_wales(), on)
                             .dump());
  });
}

iro_status_t iro_timescales(const char* request_json, char** out_json, iro_error_t* error) {
  if (request_json == nullptr || out_json == nullptr) {
    return misuse(error, "request_json and out_json are required");
  }
  return guarded(error, [&] { *out_json = copy_out(timescales_for_request(request_json).dump()); });
}

void iro_free(void* buffer) {
  std::free(buffer);
}

size_t iro_live_handles(void) {
  return g_live_handles.load();
}

}  // extern "C"
