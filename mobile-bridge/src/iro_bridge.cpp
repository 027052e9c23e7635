// The C ABI of iro.h over the C++ core. Every entry point goes through
// guarded(), which turns exceptions into a status and an error record.
#include "iro/iro.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "iro/clock.hpp"
#include "iro/date.hpp"
#include "iro/error.hpp"
#include "iro/json.hpp"
#include "iro/store.hpp"

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

void iro_free(void* buffer) {
  std::free(buffer);
}

size_t iro_live_handles(void) {
  return g_live_handles.load();
}

}  // extern "C"
