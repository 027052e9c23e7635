#include "service/auth_throttle.hpp"

#include "service/peer_address.hpp"

#include <algorithm>

namespace iro::server {
namespace {

// A full table is swept at most this often, so that many addresses failing
// at once cannot make every failure walk the whole table.
constexpr std::uint64_t kFullSweepIntervalMs = 1000;

}  // namespace

AuthThrottle::AuthThrottle(AuthThrottleOptions options, Clock& clock)
    : m_options(options), m_clock(clock) {}

std::optional<AuthThrottle::Lockout> AuthThrottle::check(std::string_view address) {
  if (m_options.max_failures == 0) return std::nullopt;
  std::lock_guard<std::mutex> hold(m_lock);
  return check_locked(address_group(address));
}

std::optional<AuthThrottle::Lockout> AuthThrottle::begin_attempt(std::string_view address) {
  if (m_options.max_failures == 0) return std::nullopt;
  const std::string group = address_group(address);
  std::lock_guard<std::mutex> hold(m_lock);
  if (auto lockout = check_locked(group)) return lockout;
  record_failure_locked(group);
  return std::nullopt;
}

void AuthThrottle::succeeded(std::string_view address) {
  if (m_options.max_failures == 0) return;
  std::lock_guard<std::mutex> hold(m_lock);
  const auto found = m_entries.find(address_group(address));
  if (found != m_entries.end() && !found->second.failures.empty()) {
    found->second.failures.pop_back();
  }
}

std::optional<AuthThrottle::Lockout> AuthThrottle::check_locked(const std::string& group) {
  const std::uint64_t now = m_clock.now_ms();
  sweep(now, false);
  const auto found = m_entries.find(group);
  if (found == m_entries.end()) return std::nullopt;
  Entry& entry = found->second;
  forget_old_failures(entry, now);
  if (entry.failures.size() < m_options.max_failures) {
    if (now >= entry.lockout_until) summarise(found->first, entry);
    return std::nullopt;
  }
  const std::uint64_t until = entry.failures.front() + m_options.window_ms;
  Lockout lockout;
  lockout.retry_after_ms = until - std::min(until, now);
  lockout.failures = static_cast<unsigned>(entry.failures.size());
  if (until != entry.lockout_until) {
    summarise(found->first, entry);  // what is left of an earlier lockout
    entry.lockout_until = until;
    lockout.first_refusal = true;
  } else {
    ++entry.unreported;
  }
  return lockout;
}

void AuthThrottle::record_failure(std::string_view address) {
  if (m_options.max_failures == 0) return;
  const std::string group = address_group(address);
  std::lock_guard<std::mutex> hold(m_lock);
  record_failure_locked(group);
}

void AuthThrottle::record_failure_locked(const std::string& group) {
  const std::uint64_t now = m_clock.now_ms();
  auto found = m_entries.find(group);
  if (found == m_entries.end()) {
    sweep(now, m_entries.size() >= m_options.max_addresses);
    // Still full: every tracked address failed within the window. The new
    // one goes untracked rather than pushing out one that is locked out.
    if (m_entries.size() >= m_options.max_addresses) return;
    found = m_entries.emplace(group, Entry{}).first;
  }
  Entry& entry = found->second;
  forget_old_failures(entry, now);
  entry.failures.push_back(now);
  while (entry.failures.size() > m_options.max_failures) entry.failures.pop_front();
}

std::vector<AuthThrottle::Summary> AuthThrottle::take_summaries() {
  std::lock_guard<std::mutex> hold(m_lock);
  sweep(m_clock.now_ms(), false);
  std::vector<Summary> summaries;
  summaries.swap(m_summaries);
  return summaries;
}

std::string AuthThrottle::address_of(std::string_view peer) {
  if (peer.starts_with('[')) {  // "[::1]:8443"
    const auto close = peer.find(']');
    if (close != std::string_view::npos) return std::string(peer.substr(1, close - 1));
  }
  const auto colon = peer.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == peer.size()) {
    return std::string(peer);
  }
  const std::string_view port = peer.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string_view::npos) return std::string(peer);
  return std::string(peer.substr(0, colon));
}

std::string AuthThrottle::refusal_reason(const Lockout& lockout) {
  const std::uint64_t seconds = std::max<std::uint64_t>(1, (lockout.retry_after_ms + 999) / 1000);
  return "too many failed attempts from this address; try again in " + std::to_string(seconds) +
         " s";
}

void AuthThrottle::forget_old_failures(Entry& entry, std::uint64_t now) {
  while (!entry.failures.empty() && entry.failures.front() + m_options.window_ms <= now) {
    entry.failures.pop_front();
  }
}

void AuthThrottle::summarise(const std::string& address, Entry& entry) {
  if (entry.unreported == 0) return;
  m_summaries.push_back(Summary{address, entry.unreported});
  entry.unreported = 0;
}

void AuthThrottle::sweep(std::uint64_t now, bool full) {
  const std::uint64_t interval = full ? kFullSweepIntervalMs : m_options.window_ms;
  if (now < m_last_sweep_ms + interval && now >= m_last_sweep_ms) return;
  m_last_sweep_ms = now;
  for (auto it = m_entries.begin(); it != m_entries.end();) {
    Entry& entry = it->second;
    forget_old_failures(entry, now);
    const bool locked_out = now < entry.lockout_until;
    if (!locked_out) summarise(it->first, entry);
    if (entry.failures.empty() && !locked_out) {
      it = m_entries.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace iro::server
