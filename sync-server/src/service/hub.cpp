#include "service/hub.hpp"

#include <algorithm>

namespace iro::server {

void Hub::join(const std::shared_ptr<LiveSession>& session) {
  std::lock_guard<std::mutex> hold(m_lock);
  m_sessions.push_back(session);
}

void Hub::leave(const LiveSession* session) {
  std::lock_guard<std::mutex> hold(m_lock);
  std::erase_if(m_sessions, [session](const std::weak_ptr<LiveSession>& entry) {
    const auto live = entry.lock();
    return !live || live.get() == session;
  });
}

std::vector<std::shared_ptr<LiveSession>> Hub::snapshot() {
  std::lock_guard<std::mutex> hold(m_lock);
  std::vector<std::shared_ptr<LiveSession>> live;
  live.reserve(m_sessions.size());
  for (const auto& entry : m_sessions) {
    if (auto session = entry.lock()) live.push_back(std::move(session));
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
