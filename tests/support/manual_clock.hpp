// A wall clock the test sets by hand.
#pragma once

#include <atomic>
#include <cstdint>

#include "iro/clock.hpp"

namespace iro::test {

class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::uint64_t start_ms = 1'714'550'400'000)  // 2024-05-01T08:00Z
      : m_now(start_ms) {}
  std::uint64_t now_ms() override { return m_now.load(); }
  void set(std::uint64_t ms) { m_now.store(ms); }
  void advance(std::uint64_t ms) { m_now.fetch_add(ms); }

 private:
  std::atomic<std::uint64_t> m_now;
};

}  // namespace iro::test
