#include "service/connection_limits.hpp"

#include "service/peer_address.hpp"

namespace iro::server {

std::shared_ptr<ConnectionLimits::Slot> ConnectionLimits::admit(std::string_view address,
                                                                bool* over_total) {
  std::string group = address_group(address);
  {
    std::lock_guard<std::mutex> hold(m_lock);
    const bool total_full = m_total >= m_options.total;
    if (over_total) *over_total = total_full;
    std::size_t& from_group = m_by_group[group];
    if (total_full || from_group >= m_options.per_address) {
      if (from_group == 0) m_by_group.erase(group);
      return nullptr;
    }
    ++from_group;
    ++m_total;
  }
  return std::make_shared<Slot>(*this, std::move(group));
}

std::size_t ConnectionLimits::open() const {
  std::lock_guard<std::mutex> hold(m_lock);
  return m_total;
}

void ConnectionLimits::release(const std::string& group) {
  std::lock_guard<std::mutex> hold(m_lock);
  --m_total;
  const auto found = m_by_group.find(group);
  if (found != m_by_group.end() && --found->second == 0) m_by_group.erase(found);
}

}  // namespace iro::server
