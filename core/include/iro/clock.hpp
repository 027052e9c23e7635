// Wall-clock time as an interface, so tests (and the simulation) control time.
#pragma once

#include <cstdint>

namespace iro {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch. May jump backwards (a tablet's clock
  // gets corrected); callers that need monotonic time use HybridClock.
  virtual std::uint64_t now_ms() = 0;
};

// The process's real-time clock. Thread-safe; lives for the whole program.
Clock& system_clock();

}  // namespace iro
