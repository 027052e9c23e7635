#include "iro/hlc.hpp"

#include <algorithm>
#include <chrono>

#include "iro/date.hpp"

namespace iro {

std::string Hlc::to_string() const {
  return format_utc_ms(ms()) + "/" + std::to_string(counter());
}

// The HLC rule: take the greatest of the wall clock and every millisecond seen;
// if that is a millisecond already used, count within it. A counter that would
// overflow spills into the next millisecond, so tick() can never fail.
Hlc HybridClock::advance_to(std::uint64_t candidate_ms, std::uint16_t counter_floor) {
  const std::uint64_t wall_ms = std::min(m_wall.now_ms(), Hlc::kMaxMs);
  const std::uint64_t ms = std::max({wall_ms, candidate_ms, m_last.ms()});
  std::uint32_t counter = 0;
  if (ms == m_last.ms()) counter = std::uint32_t{m_last.counter()} + 1;
  if (ms == candidate_ms) counter = std::max(counter, std::uint32_t{counter_floor});
  if (counter > 0xffff) {
    m_last = Hlc::from_parts(ms + 1, 0);
  } else {
    m_last = Hlc::from_parts(ms, static_cast<std::uint16_t>(counter));
  }
  return m_last;
}

Hlc HybridClock::tick() {
  return advance_to(0, 0);
}

Hlc HybridClock::observe(Hlc remote) {
  // The next event after `remote` must be greater than it, so count one past it.
  const std::uint32_t floor = std::uint32_t{remote.counter()} + 1;
  if (floor > 0xffff) return advance_to(remote.ms() + 1, 0);
  return advance_to(remote.ms(), static_cast<std::uint16_t>(floor));
}

}  // namespace iro
