// Live sessions by council: after each commit the hub tells every session to
// look for changes in its scope; at shutdown it asks them to close. Sessions
// register weakly, and calls happen outside the lock (Beast's chat-multi
// shared_state), so a slow session never holds up the others.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
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
  void join(const std::shared_ptr<LiveSession>& session);
  void leave(const LiveSession* session);

  void notify_all();
  void shut_down_all();
  std::size_t size();

 private:
  std::vector<std::shared_ptr<LiveSession>> snapshot();

  struct Entry {
    const LiveSession* address;  // what leave() matches on
    std::weak_ptr<LiveSession> session;
  };

  std::mutex m_lock;
  std::vector<Entry> m_sessions;
};

}  // namespace iro::server
