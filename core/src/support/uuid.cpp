#include "iro/uuid.hpp"

#include <array>

namespace iro {

UuidV7Generator::UuidV7Generator() {
  std::random_device entropy;
  std::seed_seq seed{entropy(), entropy(), entropy(), entropy(), entropy(), entropy()};
  m_random.seed(seed);
}

// Layout (RFC 9562 5.7): 48-bit unix_ts_ms | ver(4)=7 | rand_a(12) | var(2)=0b10 | rand_b(62).
// rand_a counts within one millisecond (method 1 of RFC 9562 6.2), starting
// from a random value below 2048 so there is room to count; when it runs out,
// or the wall clock steps back, the timestamp is carried forward instead.
std::string UuidV7Generator::next(std::uint64_t unix_ms) {
  unix_ms &= (std::uint64_t{1} << 48) - 1;
  if (unix_ms > m_last_ms) {
    m_last_ms = unix_ms;
    m_sequence = static_cast<std::uint16_t>(m_random() & 0x7ff);
  } else if (m_sequence < 0xfff) {
    ++m_sequence;
  } else {
    ++m_last_ms;
    m_sequence = static_cast<std::uint16_t>(m_random() & 0x7ff);
  }
  const std::uint64_t high = (m_last_ms << 16) | (0x7u << 12) | m_sequence;
  const std::uint64_t low = (m_random() & 0x3fffffffffffffffull) | 0x8000000000000000ull;

  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  auto put = [&](std::uint64_t word, int first_nibble, int nibbles) {
    for (int i = first_nibble; i < first_nibble + nibbles; ++i) {
      text.push_back(kHex[(word >> (60 - 4 * i)) & 0xf]);
    }
  };
  put(high, 0, 8);
  text.push_back('-');
  put(high, 8, 4);
  text.push_back('-');
  put(high, 12, 4);
  text.push_back('-');
  put(low, 0, 4);
  text.push_back('-');
  put(low, 4, 12);
  return text;
}

bool is_canonical_uuid(std::string_view text) noexcept {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace iro
