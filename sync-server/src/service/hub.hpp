// Live sessions by council: after each commit the hub tells the sessions of
// the councils whose changes moved on to look for changes in their scope (a
// commit in one council wakes nobody in another); it passes a device's row
// to that device's sessions (service/device_watch.hpp); at shutdown it asks
// every session to close. Sessions register weakly, and calls happen outside the
// lock (Beast's chat-multi shared_state), so a slow session never holds up
// the others.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "store/server_store.hpp"

namespace iro::server {

class LiveSession {
 public:
  virtual ~LiveSession() = default;
  // Something was committed: look for new changes in scope. Any thread.
  virtual void on_store_changed() = 0;
  // The server is stopping: finish the request in hand, then close. Any thread.
  virtual void shut_down() = 0;
  // The session's device as the store has it now (revoked? another session
  // started?): the session ends if it must. Any thread.
  virtual void on_device_row(const DeviceRow& device) { (void)device; }
};

class Hub {
 public:
  // Every session joins when its connection opens (so a stop reaches it),
  // and says its council once it is live.
  void join(const std::shared_ptr<LiveSession>& session);
  void went_live(const LiveSession* session, std::string tenant);
  // The session proved it is this device (its Hello was welcomed).
  void authenticated(const LiveSession* session, std::string device_id);
  void leave(const LiveSession* session);

  // The devices with a session here, each once.
  std::vector<std::string> device_ids();
  // Tells the device's sessions how the store has it now.
  void device_row(const DeviceRow& device);

  // Wakes the live sessions of these councils (sorted, as a std::set gives them).
  void notify(std::span<const std::string> tenants);
  // Wakes every live session (a commit by another process: its councils are unknown).
  void notify_all();
  void shut_down_all();
  std::size_t size();

 private:
  struct Entry {
    const LiveSession* address;  // what leave() matches on
    std::weak_ptr<LiveSession> session;
    std::string tenant;     // empty until the session is live
    std::string device_id;  // empty until its Hello is welcomed
  };

  std::vector<std::shared_ptr<LiveSession>> snapshot(
      const std::function<bool(const Entry&)>& wanted);

  std::mutex m_lock;
  std::vector<Entry> m_sessions;
};

}  // namespace iro::server
