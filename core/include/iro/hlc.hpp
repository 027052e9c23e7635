// Hybrid logical clock (Kulkarni et al., 2014): a 64-bit timestamp made of
// 48 bits of wall-clock milliseconds and a 16-bit counter. It never goes
// backwards, even when the device's wall clock does, and it stays close to
// real time so last-writer-wins means what users expect. Ties between devices
// are broken by device id in the merge, not here.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "iro/clock.hpp"

namespace iro {

struct Hlc {
  std::uint64_t packed = 0;

  static constexpr std::uint64_t kMaxMs = (std::uint64_t{1} << 48) - 1;

  static Hlc from_parts(std::uint64_t ms, std::uint16_t counter) {
    return Hlc{(ms & kMaxMs) << 16 | counter};
  }
  std::uint64_t ms() const noexcept { return packed >> 16; }
  std::uint16_t counter() const noexcept { return static_cast<std::uint16_t>(packed & 0xffff); }

  // "2024-05-01T09:30:00.123Z/7": readable in logs and exports.
  std::string to_string() const;

  auto operator<=>(const Hlc&) const = default;
};

// Not thread-safe: one per store, used under the store's write transaction.
class HybridClock {
 public:
  // `last` is the greatest timestamp issued before (persisted by the store),
  // so a restart with the wall clock set back still moves forward.
  explicit HybridClock(Clock& wall, Hlc last = {}) : m_wall(wall), m_last(last) {}

  // A timestamp for a local event, greater than every one issued or observed.
  Hlc tick();

  // Merges a timestamp received from elsewhere; the next tick() is after it.
  Hlc observe(Hlc remote);

  // Raises the floor to a timestamp issued elsewhere (another process on the
  // same store), so later ticks are greater; no effect if already past it.
  void catch_up(Hlc issued) noexcept {
    if (issued > m_last) m_last = issued;
  }

  Hlc last() const noexcept { return m_last; }

 private:
  Hlc advance_to(std::uint64_t candidate_ms, std::uint16_t counter_floor);

  Clock& m_wall;
  Hlc m_last;
};

}  // namespace iro
