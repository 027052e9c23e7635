// Live sessions by council: after each commit the hub tells the sessions of
// the councils whose changes moved on to look for changes in their scope (a
// commit in one council wakes nobody in another); at shutdown it asks every
// session to close. Sessions register weakly, and calls happen outside the
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

namespace iro::server {

class LiveSession {
 public:
  virtual ~LiveSession() = default;
  // Something was committed: look for new changes in scope. Any thread.
  virtual void on_store_changed() = 0;
  // The server is stopping: finish the request in hand, then close. Any thread.
  virtual void shut_down() = 0;
};

class Hub {
 public:
  // Every session joins when its connection opens (so a stop reaches it),
  // and says its council once it is live.
  void join(const std::shared_ptr<LiveSession>& session);
  void went_live(const LiveSession* session, std::string tenant);
  void leave(const LiveSession* session);

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
    std::string tenant;  // empty until the session is live
  };

  std::vector<std::shared_ptr<LiveSession>> snapshot(
      const std::function<bool(const Entry&)>& wanted);

  std::mutex m_lock;
  std::vector<Entry> m_sessions;
};

}  // namespace iro::server
