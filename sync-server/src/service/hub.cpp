#include "service/hub.hpp"

#include <algorithm>

namespace iro::server {
namespace {

const auto kEverySession = [](const auto&) { return true; };

}  // namespace

void Hub::join(const std::shared_ptr<LiveSession>& session) {
  std::lock_guard<std::mutex> hold(m_lock);
  m_sessions.push_back(Entry{session.get(), session, {}, {}});
}

void Hub::went_live(const LiveSession* session, std::string tenant) {
  std::lock_guard<std::mutex> hold(m_lock);
  for (Entry& entry : m_sessions) {
    if (entry.address == session) entry.tenant = tenant;
  }
}

void Hub::authenticated(const LiveSession* session, std::string device_id) {
  std::lock_guard<std::mutex> hold(m_lock);
  for (Entry& entry : m_sessions) {
    if (entry.address == session) entry.device_id = device_id;
  }
}

std::vector<std::string> Hub::device_ids() {
  std::vector<std::string> ids;
  {
    std::lock_guard<std::mutex> hold(m_lock);
    for (const Entry& entry : m_sessions) {
      if (!entry.device_id.empty()) ids.push_back(entry.device_id);
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

void Hub::device_row(const DeviceRow& device) {
  const auto of_device = [&device](const Entry& entry) { return entry.device_id == device.id; };
  for (const auto& session : snapshot(of_device)) session->on_device_row(device);
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

std::vector<std::shared_ptr<LiveSession>> Hub::snapshot(
    const std::function<bool(const Entry&)>& wanted) {
  // The sessions are owned by the returned vector, so any that this makes
  // the last owner of is destroyed by the caller, outside the lock.
  std::lock_guard<std::mutex> hold(m_lock);
  std::vector<std::shared_ptr<LiveSession>> chosen;
  for (const Entry& entry : m_sessions) {
    if (!wanted(entry)) continue;
    if (auto session = entry.session.lock()) chosen.push_back(std::move(session));
  }
  return chosen;
}

void Hub::notify(std::span<const std::string> tenants) {
  if (tenants.empty()) return;
  const auto in_council = [tenants](const Entry& entry) {
    return !entry.tenant.empty() &&
           std::binary_search(tenants.begin(), tenants.end(), entry.tenant);
  };
  for (const auto& session : snapshot(in_council)) session->on_store_changed();
}

void Hub::notify_all() {
  const auto live = [](const Entry& entry) { return !entry.tenant.empty(); };
  for (const auto& session : snapshot(live)) session->on_store_changed();
}

void Hub::shut_down_all() {
  for (const auto& session : snapshot(kEverySession)) session->shut_down();
}

std::size_t Hub::size() {
  return snapshot(kEverySession).size();
}

}  // namespace iro::server
