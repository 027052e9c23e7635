// The handles a host holds. iro_store_t*, iro_sync_session_t* and
// iro_child_session_t* are tokens naming entries in one table (a 64-bit id,
// never reused, mixed with a per-process salt), so a NULL, closed or made-up
// handle is refused with IRO_ERR_MISUSE instead of being dereferenced (iro.h,
// "Handles").
//
// Locks, always taken in this order: a session's (sync or child) `lock`, then
// its store's `call_lock`; the table's and a listener's locks are never held
// while taking another. Listeners run with no lock held.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bridge_support.hpp"
#include "iro/child_mode.hpp"
#include "iro/iro.h"
#include "iro/store.hpp"
#include "iro/sync_session.hpp"

namespace iro::bridge {

// Events recorded during a call, delivered once its locks are released.
using Events = std::vector<std::string>;

// The host's change listener on one store handle.
class ListenerSlot {
 public:
  // Replaces the listener (NULL: none). Returns once no other thread is
  // running the previous one, so the host may free its context.
  void set(iro_listener_fn callback, void* context);

  // Calls the listener, if any, with `event_json`; no lock is held during the call.
  void deliver(const std::string& event_json);
  void deliver(const Events& events) {
    for (const std::string& event : events) deliver(event);
  }

 private:
  std::mutex m_lock;
  std::condition_variable m_idle;
  iro_listener_fn m_callback = nullptr;
  void* m_context = nullptr;
  int m_running = 0;  // calls in progress, on any thread
};

// Where the app's background sync has got (app/app_sync.hpp), under
// StoreHandle::app_sync_lock.
struct AppSyncProgress {
  bool running = false;
  std::string state;  // while running: "connecting", "pushing", "pulling"
  std::size_t pushed = 0;
  std::size_t pulled = 0;
  std::size_t pending = 0;
  // The last sync's end: "synced", "unreachable", "refused", "cancelled",
  // "failed" (empty before the first), its message and when (ms since 1970).
  std::string result;
  std::string message;
  std::uint64_t finished_ms = 0;
};

struct StoreHandle {
  std::uint64_t id = 0;
  // Immutable while the handle is open: iro_enrol and iro_sync_run open
  // their own connection with them. The key is wiped on close.
  std::filesystem::path path;
  StoreOptions options;

  std::mutex call_lock;                // one call on the handle at a time
  std::unique_ptr<DeviceStore> store;  // under call_lock; null once closed

  ListenerSlot listener;

  // The enrolment or sync running over the built-in transport (at most one).
  std::mutex lifecycle_lock;
  std::condition_variable transport_ended;
  bool closing = false;            // under lifecycle_lock
  bool transport_running = false;  // under lifecycle_lock
  std::atomic<bool> stop_requested{false};

  // The sync the app started (iro_app_call's sync.now), on a thread of its
  // own; close_store joins it.
  std::mutex app_sync_lock;
  std::thread app_sync_thread;  // under app_sync_lock
  AppSyncProgress app_sync;     // under app_sync_lock
};

struct SessionHandle {
  std::uint64_t id = 0;
  std::shared_ptr<StoreHandle> store;
  std::mutex lock;  // one call on the session at a time
  // One of the two, driving the store's DeviceStore (used only under the
  // store's call_lock, and only while it is open).
  std::unique_ptr<DeviceSyncSession> sync;
  std::unique_ptr<EnrolSession> enrol;
  bool enrol_over = false;
  Events events;  // what the session reported during the current call
};

// A child-mode session (iro_child_session_*): core's ChildModeSession on one
// consultation. It refers to its store's DeviceStore, so it is used only
// under the store's call_lock while the store is open; once the store handle
// is closed, the session is refused (never touched again but to destroy it).
struct ChildSessionHandle {
  std::uint64_t id = 0;
  std::shared_ptr<StoreHandle> store;
  std::mutex lock;  // one call on the session at a time
  std::unique_ptr<ChildModeSession> session;
};

// Registers an open handle; the token the host receives.
iro_store_t* register_store(std::shared_ptr<StoreHandle> handle);
iro_sync_session_t* register_session(std::shared_ptr<SessionHandle> handle);
iro_child_session_t* register_child_session(std::shared_ptr<ChildSessionHandle> handle);

// The open handle a token names; throws Misuse saying what is wrong with it
// (NULL, closed or invalid, or a handle of the other type).
std::shared_ptr<StoreHandle> find_store(const iro_store_t* token);
std::shared_ptr<SessionHandle> find_session(const iro_sync_session_t* token);
std::shared_ptr<ChildSessionHandle> find_child_session(const iro_child_session_t* token);

// Removes a handle from the table; null when the token names none (already closed).
std::shared_ptr<StoreHandle> unregister_store(const iro_store_t* token);
std::shared_ptr<SessionHandle> unregister_session(const iro_sync_session_t* token);
std::shared_ptr<ChildSessionHandle> unregister_child_session(const iro_child_session_t* token);

std::size_t live_handles();

// Closes a store handle (iro_store_close): unregisters it, stops a running
// transport, waits for calls in progress, closes the store, wipes the key.
// With a wipe reason (the device was revoked) it also deletes the store's
// files and tells the listener. Safe to call twice, and from a listener.
void close_store(const std::shared_ptr<StoreHandle>& handle,
                 const std::optional<std::string>& wipe_reason = std::nullopt);

// Runs `body(handle, DeviceStore&, Events&)` on the handle's store under its
// call lock, mapping exceptions to a status, then delivers the events
// recorded. The handle is for calls that keep it (a child session).
template <typename Body>
iro_status_t with_store_handle(iro_store_t* token, iro_error_t* error, Body&& body) {
  std::shared_ptr<StoreHandle> handle;
  Events events;
  const iro_status_t status = guarded(error, [&] {
    handle = find_store(token);
    std::lock_guard<std::mutex> hold(handle->call_lock);
    if (!handle->store) throw Misuse("the store handle is closed");
    body(handle, *handle->store, events);
  });
  if (handle) handle->listener.deliver(events);
  return status;
}

// The same, for `body(DeviceStore&, Events&)`: most calls need only the store.
template <typename Body>
iro_status_t with_store(iro_store_t* token, iro_error_t* error, Body&& body) {
  return with_store_handle(token, error,
                           [&](const std::shared_ptr<StoreHandle>&, iro::DeviceStore& store,
                               Events& events) { body(store, events); });
}

// Claims a store's one slot for iro_enrol or iro_sync_run for the object's
// lifetime. Throws Misuse when the handle is closing, Error(storage_busy)
// when another transport runs.
class TransportRun {
 public:
  explicit TransportRun(StoreHandle& handle);
  ~TransportRun() { end(); }
  TransportRun(const TransportRun&) = delete;
  TransportRun& operator=(const TransportRun&) = delete;

  // Releases the slot early (before closing the handle after a wipe).
  void end();

 private:
  StoreHandle& m_handle;
  bool m_running = true;
};

}  // namespace iro::bridge
