#include "app/app_sync.hpp"

#include "events.hpp"
#include "iro/clock.hpp"
#include "iro/error.hpp"
#include "iro/transport.hpp"

namespace iro::app {
namespace {

using bridge::AppSyncProgress;
using bridge::StoreHandle;

constexpr const char* kClientName = "iro app";

const char* result_name(transport::SyncResult result) {
  switch (result) {
    case transport::SyncResult::synced:
      return "synced";
    case transport::SyncResult::refused:
      return "refused";
    case transport::SyncResult::wiped:
      return "wiped";
    case transport::SyncResult::unreachable:
      return "unreachable";
    case transport::SyncResult::cancelled:
      return "cancelled";
  }
  return "failed";
}

void record(StoreHandle& handle, const std::function<void(AppSyncProgress&)>& change) {
  std::lock_guard<std::mutex> hold(handle.app_sync_lock);
  change(handle.app_sync);
}

// The thread's work: one sync, one connection attempt (the app asks again
// soon: a sync that waits minutes for a network would hold up the next).
void run_sync(std::shared_ptr<StoreHandle> handle) {
  std::string result = "failed";
  std::string message;
  try {
    bridge::TransportRun run(*handle);
    auto connection = DeviceStore::open(handle->path, handle->options);
    transport::TransportOptions options;
    options.client_name = kClientName;
    options.max_attempts = 1;
    options.on_event = [&](const SyncEvent& event) {
      record(*handle, [&](AppSyncProgress& progress) {
        progress.state = event.type == SyncEvent::Type::pushed ? "pushing" : "pulling";
        progress.pushed = event.pushed;
        progress.pulled = event.pulled;
        progress.pending = event.pending;
      });
      handle->listener.deliver(bridge::sync_event(event));
    };
    options.stop_requested = [&] { return handle->stop_requested.load(); };
    const transport::SyncReport report = transport::sync_with_server(*connection, options);
    connection.reset();
    result = result_name(report.result);
    message = report.message;
    if (report.result == transport::SyncResult::wiped) {
      run.end();
      bridge::close_store(handle, report.message);
    }
  } catch (const std::exception& error) {
    message = error.what();
  }
  record(*handle, [&](AppSyncProgress& progress) {
    progress.running = false;
    progress.state.clear();
    progress.result = result;
    progress.message = message;
    progress.finished_ms = system_clock().now_ms();
  });
}

}  // namespace

nlohmann::json start_sync(const std::shared_ptr<StoreHandle>& handle) {
  if (!handle->store->sync_credentials()) {
    throw Error(ErrorCode::invalid_input, "this device has not enrolled with a server yet");
  }
  std::lock_guard<std::mutex> hold(handle->app_sync_lock);
  if (handle->app_sync.running) return {{"started", false}};
  // The last sync's thread has recorded its end: only its exit is left.
  if (handle->app_sync_thread.joinable()) handle->app_sync_thread.join();
  handle->app_sync.running = true;
  handle->app_sync.state = "connecting";
  handle->app_sync.pushed = handle->app_sync.pulled = 0;
  handle->app_sync_thread = std::thread(run_sync, handle);
  return {{"started", true}};
}

nlohmann::json sync_progress(StoreHandle& handle) {
  std::lock_guard<std::mutex> hold(handle.app_sync_lock);
  const AppSyncProgress& progress = handle.app_sync;
  return {{"running", progress.running},
          {"state", progress.running ? nlohmann::json(progress.state) : nlohmann::json()},
          {"pushed", progress.pushed},
          {"pulled", progress.pulled},
          {"result", progress.result.empty() ? nlohmann::json() : nlohmann::json(progress.result)},
          {"message", progress.message},
          {"finished_ms",
           progress.finished_ms == 0 ? nlohmann::json() : nlohmann::json(progress.finished_ms)}};
}

}  // namespace iro::app
