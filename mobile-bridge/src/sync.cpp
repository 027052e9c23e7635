// Sync through the built-in transport (iro.h, "Sync through the built-in
// transport"): iro_enrol and iro_sync_run drive mobile-bridge/transport on
// their own connection to the store file, so other calls on the handle go on
// while they wait for the network; the handle's listener hears what they change.
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "bridge_support.hpp"
#include "events.hpp"
#include "handles.hpp"
#include "iro/error.hpp"
#include "iro/iro.h"
#include "iro/store.hpp"
#include "iro/transport.hpp"

using namespace iro::bridge;

namespace {

constexpr const char* kClientName = "iro-bridge (C ABI 3)";
constexpr const char* kDefaultDeviceName = "iro mobile";
constexpr int kDefaultAttempts = 5;

// The size of the first released iro_sync_options_t: every field a caller
// built against it sets. Later versions append fields, which keep their
// defaults when a caller's struct_size is smaller.
constexpr std::size_t kOptionsV1Size = sizeof(iro_sync_options_t);

void check_ca_cert(const char* path) {
  if (path == nullptr) return;
  if (!std::ifstream(path)) {
    throw iro::Error(iro::ErrorCode::invalid_input,
                     "cannot read the CA certificate " + std::string(path).substr(0, 200));
  }
}

iro::transport::TransportOptions transport_options(const iro_sync_options_t* options) {
  iro::transport::TransportOptions transport;
  transport.client_name = kClientName;
  transport.max_attempts = kDefaultAttempts;
  if (options == nullptr) return transport;
  if (options->struct_size < kOptionsV1Size) {
    throw Misuse("options->struct_size is not set: call iro_sync_options_init first");
  }
  if (!std::isfinite(options->follow_seconds) || options->follow_seconds < 0 ||
      options->follow_seconds > 86400) {
    throw iro::Error(iro::ErrorCode::invalid_input,
                     "follow_seconds must be between 0 and 86400 (a day)");
  }
  if (options->max_attempts < 1 || options->max_attempts > 100) {
    throw iro::Error(iro::ErrorCode::invalid_input, "max_attempts must be between 1 and 100");
  }
  check_ca_cert(options->ca_cert_path);
  transport.follow_for =
      std::chrono::milliseconds(static_cast<std::int64_t>(options->follow_seconds * 1000));
  transport.max_attempts = options->max_attempts;
  if (options->ca_cert_path != nullptr) transport.ca_cert_path = options->ca_cert_path;
  return transport;
}

// The transport's own connection to the handle's file, with the host's key.
std::unique_ptr<iro::DeviceStore> open_connection(const StoreHandle& handle) {
  return iro::DeviceStore::open(handle.path, handle.options);
}

std::string sync_report(const char* result, const iro::transport::SyncReport& report) {
  const nlohmann::ordered_json json = {{"result", result},
                                       {"pushed", report.progress.pushed},
                                       {"pulled", report.progress.pulled},
                                       {"pending", report.progress.pending},
                                       {"attempts", report.attempts},
                                       {"message", report.message}};
  return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

extern "C" {

void iro_sync_options_init(iro_sync_options_t* options) {
  if (options == nullptr) return;
  *options = iro_sync_options_t{};
  options->struct_size = sizeof(iro_sync_options_t);
  options->follow_seconds = 0;
  options->max_attempts = kDefaultAttempts;
  options->ca_cert_path = nullptr;
}

iro_status_t iro_enrol(iro_store_t* store, const char* server_url, const char* code,
                       const char* device_name, const char* ca_cert_path, iro_error_t* error) {
  return guarded(error, [&] {
    const auto handle = find_store(store);
    require(server_url, "server_url");
    require(code, "code");
    check_ca_cert(ca_cert_path);
    iro::transport::parse_server_url(server_url);  // a bad URL is refused at once
    TransportRun run(*handle);
    const auto connection = open_connection(*handle);
    if (connection->sync_credentials()) {
      throw iro::Error(iro::ErrorCode::invalid_input, "this device is already enrolled");
    }
    iro::transport::TransportOptions transport = transport_options(nullptr);
    transport.device_name = device_name != nullptr ? device_name : kDefaultDeviceName;
    if (ca_cert_path != nullptr) transport.ca_cert_path = ca_cert_path;
    transport.stop_requested = [&] { return handle->stop_requested.load(); };
    const auto report = iro::transport::enrol_with_server(*connection, server_url, code, transport);
    if (report.enrolled) return;
    if (report.refused) {
      throw iro::Error(iro::ErrorCode::refused, "enrolment refused: " + report.message);
    }
    throw iro::Error(iro::ErrorCode::network, report.cancelled
                                                  ? "enrolment was cancelled before it completed"
                                                  : "could not enrol: " + report.message);
  });
}

iro_status_t iro_sync_run(iro_store_t* store, const iro_sync_options_t* options,
                          char** out_report_json, iro_error_t* error) {
  if (out_report_json != nullptr) *out_report_json = nullptr;
  return guarded(error, [&] {
    const auto handle = find_store(store);
    require(out_report_json, "out_report_json");
    iro::transport::TransportOptions transport = transport_options(options);
    TransportRun run(*handle);
    auto connection = open_connection(*handle);
    const auto credentials = connection->sync_credentials();
    if (!credentials) {
      throw iro::Error(iro::ErrorCode::invalid_input,
                       "this device has not enrolled: call iro_enrol first");
    }
    transport.on_event = [&](const iro::SyncEvent& event) {
      handle->listener.deliver(sync_event(event));
    };
    transport.stop_requested = [&] { return handle->stop_requested.load(); };
    const auto report = iro::transport::sync_with_server(*connection, transport);
    connection.reset();
    switch (report.result) {
      case iro::transport::SyncResult::synced:
        *out_report_json = copy_out(sync_report("synced", report));
        return;
      case iro::transport::SyncResult::cancelled:
        *out_report_json = copy_out(sync_report("cancelled", report));
        return;
      case iro::transport::SyncResult::wiped: {
        // The report first: the handle is gone once the store is.
        std::unique_ptr<char, void (*)(void*)> json(copy_out(sync_report("wiped", report)),
                                                    &std::free);
        run.end();
        close_store(handle, report.message);
        *out_report_json = json.release();
        return;
      }
      case iro::transport::SyncResult::refused:
        throw iro::Error(iro::ErrorCode::refused,
                         "the server refused this device: " + report.message);
      case iro::transport::SyncResult::unreachable:
        throw iro::Error(iro::ErrorCode::network,
                         "could not sync after " + std::to_string(report.attempts) + " attempts (" +
                             report.message + "); " + std::to_string(report.progress.pending) +
                             " changes wait in the outbox for next time");
    }
  });
}

iro_status_t iro_sync_cancel(iro_store_t* store, iro_error_t* error) {
  return guarded(error, [&] { find_store(store)->stop_requested = true; });
}

}  // extern "C"
