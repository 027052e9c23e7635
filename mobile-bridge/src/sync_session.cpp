// Sync over the host's own WebSocket (iro.h, "sans-IO"): core's
// DeviceSyncSession and EnrolSession behind a session handle. A session's
// calls hold its lock and then its store's call lock; what the session
// reports to the listener is delivered after both are released.
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bridge_support.hpp"
#include "events.hpp"
#include "handles.hpp"
#include "iro/clock.hpp"
#include "iro/error.hpp"
#include "iro/iro.h"
#include "iro/server_url.hpp"
#include "iro/sync_session.hpp"

using namespace iro::bridge;

namespace {

constexpr const char* kClientName = "iro-bridge (C ABI 3)";
constexpr const char* kDefaultDeviceName = "iro mobile";

// One block holding the list, its two arrays and the frames' bytes, so
// iro_frames_free is one free().
iro_frames_t* frames_out(const std::vector<iro::Bytes>& frames) {
  const std::size_t count = frames.size();
  std::size_t bytes = 0;
  for (const iro::Bytes& frame : frames) bytes += frame.size();
  const std::size_t size =
      sizeof(iro_frames_t) + count * (sizeof(const std::uint8_t*) + sizeof(std::size_t)) + bytes;
  auto* block = static_cast<unsigned char*>(std::malloc(size));
  if (block == nullptr) throw std::bad_alloc();
  auto* list = reinterpret_cast<iro_frames_t*>(block);
  auto* data = reinterpret_cast<const std::uint8_t**>(block + sizeof(iro_frames_t));
  auto* lengths = reinterpret_cast<std::size_t*>(block + sizeof(iro_frames_t) +
                                                 count * sizeof(const std::uint8_t*));
  auto* payload =
      block + sizeof(iro_frames_t) + count * (sizeof(const std::uint8_t*) + sizeof(std::size_t));
  for (std::size_t i = 0; i < count; ++i) {
    if (!frames[i].empty()) std::memcpy(payload, frames[i].data(), frames[i].size());
    data[i] = payload;
    lengths[i] = frames[i].size();
    payload += frames[i].size();
  }
  list->count = count;
  list->data = data;
  list->lengths = lengths;
  return list;
}

iro_sync_state_t to_c(iro::SyncState state) {
  switch (state) {
    case iro::SyncState::greeting:
      return IRO_SYNC_GREETING;
    case iro::SyncState::pushing:
      return IRO_SYNC_PUSHING;
    case iro::SyncState::pulling:
      return IRO_SYNC_PULLING;
    case iro::SyncState::live:
      return IRO_SYNC_LIVE;
    case iro::SyncState::done:
      return IRO_SYNC_DONE;
    case iro::SyncState::refused:
      return IRO_SYNC_REFUSED;
    case iro::SyncState::wiped:
      return IRO_SYNC_WIPED;
  }
  throw iro::Error(iro::ErrorCode::internal, "a sync state the bridge does not know");
}

iro::SyncState to_core(iro_sync_state_t state) {
  for (const iro::SyncState core :
       {iro::SyncState::greeting, iro::SyncState::pushing, iro::SyncState::pulling,
        iro::SyncState::live, iro::SyncState::done, iro::SyncState::refused,
        iro::SyncState::wiped}) {
    if (to_c(core) == state) return core;
  }
  throw iro::Error(iro::ErrorCode::internal, "a sync state the bridge does not know");
}

iro_sync_state_t state_of(const SessionHandle& session) {
  if (session.enrol) {
    if (!session.enrol_over) return IRO_SYNC_GREETING;
    return session.enrol->enrolled() ? IRO_SYNC_DONE : IRO_SYNC_REFUSED;
  }
  return to_c(session.sync->state());
}

// Runs `body(SessionHandle&)` with the session and its store locked; then
// delivers what the session reported, and closes and deletes the store if
// the server wiped the device.
template <typename Body>
iro_status_t with_session(iro_sync_session_t* token, iro_error_t* error, Body&& body) {
  std::shared_ptr<SessionHandle> session;
  Events events;
  std::optional<std::string> wiped;
  const iro_status_t status = guarded(error, [&] {
    session = find_session(token);
    std::lock_guard<std::mutex> hold_session(session->lock);
    std::lock_guard<std::mutex> hold_store(session->store->call_lock);
    if (!session->store->store) throw Misuse("the sync session's store is closed");
    const bool was_wiped = state_of(*session) == IRO_SYNC_WIPED;
    try {
      body(*session);
    } catch (...) {
      events.swap(session->events);
      throw;
    }
    events.swap(session->events);
    if (!was_wiped && state_of(*session) == IRO_SYNC_WIPED) wiped = session->sync->wipe_reason();
  });
  if (session) {
    session->store->listener.deliver(events);
    if (wiped) close_store(session->store, *wiped);
  }
  return status;
}

// Registers a session started on `store` and hands out its first frame.
template <typename Start>
iro_status_t start_session(iro_store_t* store, iro_sync_session_t** out_session,
                           uint8_t** out_first_frame, size_t* out_first_length, iro_error_t* error,
                           Start&& start) {
  if (out_session != nullptr) *out_session = nullptr;
  if (out_first_frame != nullptr) *out_first_frame = nullptr;
  if (out_first_length != nullptr) *out_first_length = 0;
  return guarded(error, [&] {
    const auto handle = find_store(store);
    require(out_session, "out_session");
    require(out_first_frame, "out_first_frame");
    require(out_first_length, "out_first_length");
    auto session = std::make_shared<SessionHandle>();
    session->store = handle;
    iro::Bytes first;
    {
      std::lock_guard<std::mutex> hold(handle->call_lock);
      if (!handle->store) throw Misuse("the store handle is closed");
      first = start(*session, *handle->store);
    }
    std::unique_ptr<std::uint8_t, void (*)(void*)> frame(copy_out(first), &std::free);
    *out_session = register_session(std::move(session));
    *out_first_frame = frame.release();
    *out_first_length = first.size();
  });
}

std::string state_name(iro_sync_state_t state) {
  return std::string(iro::to_string(to_core(state)));
}

}  // namespace

extern "C" {

void iro_frames_free(iro_frames_t* frames) {
  std::free(frames);
}

iro_status_t iro_sync_session_start(iro_store_t* store, iro_sync_mode_t mode,
                                    iro_sync_session_t** out_session, uint8_t** out_first_frame,
                                    size_t* out_first_length, iro_error_t* error) {
  return start_session(
      store, out_session, out_first_frame, out_first_length, error,
      [&](SessionHandle& session, iro::DeviceStore& device) {
        const int requested = enum_value(mode);
        if (requested != IRO_SYNC_UNTIL_CAUGHT_UP && requested != IRO_SYNC_FOLLOW) {
          throw Misuse("mode must be IRO_SYNC_UNTIL_CAUGHT_UP or IRO_SYNC_FOLLOW");
        }
        const auto credentials = device.sync_credentials();
        if (!credentials) {
          throw iro::Error(iro::ErrorCode::invalid_input,
                           "this device has not enrolled: call iro_enrol first");
        }
        // The host connects to the stored address: held to the transport's
        // rule (wss:// except to this machine) before it has a frame to send.
        iro::parse_server_url(credentials->server);
        session.sync = std::make_unique<iro::DeviceSyncSession>(
            device,
            requested == IRO_SYNC_FOLLOW ? iro::DeviceSyncSession::Mode::follow
                                         : iro::DeviceSyncSession::Mode::until_caught_up,
            iro::system_clock());
        session.sync->set_event_sink([events = &session.events](const iro::SyncEvent& event) {
          events->push_back(sync_event(event));
        });
        return session.sync->start(kClientName);
      });
}

iro_status_t iro_enrol_session_start(iro_store_t* store, const char* server_url, const char* code,
                                     const char* device_name, iro_sync_session_t** out_session,
                                     uint8_t** out_first_frame, size_t* out_first_length,
                                     iro_error_t* error) {
  return start_session(store, out_session, out_first_frame, out_first_length, error,
                       [&](SessionHandle& session, iro::DeviceStore& device) {
                         require(server_url, "server_url");
                         require(code, "code");
                         iro::parse_server_url(server_url);  // wss:// except to this machine
                         if (device.sync_credentials()) {
                           throw iro::Error(iro::ErrorCode::invalid_input,
                                            "this device is already enrolled");
                         }
                         session.enrol = std::make_unique<iro::EnrolSession>(device, server_url);
                         return session.enrol->start(
                             code, device_name != nullptr ? device_name : kDefaultDeviceName);
                       });
}

iro_status_t iro_sync_session_receive(iro_sync_session_t* session, const uint8_t* frame,
                                      size_t length, iro_frames_t** out_frames,
                                      iro_error_t* error) {
  if (out_frames != nullptr) *out_frames = nullptr;
  return with_session(session, error, [&](SessionHandle& handle) {
    require(out_frames, "out_frames");
    if (frame == nullptr && length > 0) throw Misuse("frame is NULL but length is not 0");
    const std::span<const std::uint8_t> bytes(frame, frame == nullptr ? 0 : length);
    std::vector<iro::Bytes> replies;
    if (handle.enrol) {
      if (!handle.enrol_over) handle.enrol_over = handle.enrol->receive(bytes);
    } else {
      replies = handle.sync->receive(bytes);
    }
    *out_frames = frames_out(replies);
  });
}

iro_status_t iro_sync_session_flush(iro_sync_session_t* session, iro_frames_t** out_frames,
                                    iro_error_t* error) {
  if (out_frames != nullptr) *out_frames = nullptr;
  return with_session(session, error, [&](SessionHandle& handle) {
    require(out_frames, "out_frames");
    *out_frames = frames_out(handle.sync ? handle.sync->flush() : std::vector<iro::Bytes>{});
  });
}

iro_status_t iro_sync_session_state(iro_sync_session_t* session, iro_sync_state_t* out_state,
                                    iro_error_t* error) {
  return guarded(error, [&] {
    const auto handle = find_session(session);
    require(out_state, "out_state");
    std::lock_guard<std::mutex> hold(handle->lock);
    *out_state = state_of(*handle);
  });
}

iro_status_t iro_sync_session_report(iro_sync_session_t* session, char** out_json,
                                     iro_error_t* error) {
  if (out_json != nullptr) *out_json = nullptr;
  return guarded(error, [&] {
    const auto handle = find_session(session);
    require(out_json, "out_json");
    std::lock_guard<std::mutex> hold(handle->lock);
    const iro_sync_state_t state = state_of(*handle);
    nlohmann::ordered_json json = {{"state", state_name(state)}};
    if (handle->enrol) {
      if (const auto& enrolled = handle->enrol->result()) {
        json["device_id"] = enrolled->device_id;
        json["user_id"] = enrolled->user_id;
        json["tenant"] = enrolled->tenant;
      } else if (const auto& refusal = handle->enrol->refusal()) {
        json["reason"] = refusal->reason;
      }
    } else {
      const iro::SyncProgress& progress = handle->sync->progress();
      json["pushed"] = progress.pushed;
      json["pulled"] = progress.pulled;
      json["pull_total"] = progress.pull_total;
      json["pending"] = progress.pending;
      if (const auto& refusal = handle->sync->refusal()) json["reason"] = refusal->reason;
      if (state == IRO_SYNC_WIPED) json["reason"] = handle->sync->wipe_reason();
    }
    *out_json =
        copy_out(json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  });
}

void iro_sync_session_close(iro_sync_session_t* session) {
  const auto handle = unregister_session(session);
  if (!handle) return;
  // Waits for a call in progress on another thread.
  std::lock_guard<std::mutex> hold(handle->lock);
  handle->sync.reset();
  handle->enrol.reset();
}

}  // extern "C"
