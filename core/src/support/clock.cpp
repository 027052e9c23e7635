#include "iro/clock.hpp"

#include <chrono>

namespace iro {
namespace {

class SystemClock final : public Clock {
 public:
  std::uint64_t now_ms() override {
    const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count());
  }
};

}  // namespace

Clock& system_clock() {
  static SystemClock clock;
  return clock;
}

}  // namespace iro
