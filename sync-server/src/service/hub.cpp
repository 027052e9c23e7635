#include "service/hub.hpp"

#include <algorithm>

namespace iro::server {

void Hub::join(const std::shared_ptr<LiveSession>& session) {
  std::lock_guard<std::mutex> hold(m_lock);
  m_sessions.push_back(Entry{session.get(), session});
}

void Hub::leave(const LiveSession* session) {
  // Matched by address, never by locking the weak pointers: a pointer locked
  // here could turn out to be another session's last owner, and destroying
  // that session inside the lock would call leave() again and deadlock.
  std::lock_guard<std::mutex> hold(m_lock);
  std::erase_if(m_sessions, [session](const Entry& entry) {
    return entry.address == session || entry.session.expired();
  });
}

std::vector<std::shared_ptr<LiveSession>> Hub::snapshot() {
  // The sessions are owned by the returned vector, so any that this makes
  // the last owner of is destroyed by the caller, outside the lock.
  std::lock_guard<std::mutex> hold(m_lock);
  std::vector<std::shared_ptr<LiveSession>> live;
  live.reserve(m_sessions.size());
  for (const Entry& entry : m_sessions) {
    if (auto session = entry.session.lock()) live.push_back(std::move(session));
  }
  return live;
}

void Hub::notify_all() {
  for (const auto& session : snapshot()) session->on_store_changed();
}

void Hub::shut_down_all() {
  for (const auto& session : snapshot()) session->shut_down();
}

std::size_t Hub::size() {
  return snapshot().size();
}

}  // namespace iro::server
