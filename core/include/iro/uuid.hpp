// UUIDv7 (RFC 9562) identifiers, made on the device. Time-ordered, so new rows
// land at the end of SQLite's B-trees instead of scattering across them.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace iro {

// Not thread-safe: one per store. Ids from one generator are strictly
// increasing (as strings too), even within one millisecond or when the wall
// clock steps back.
class UuidV7Generator {
 public:
  UuidV7Generator();  // seeded from std::random_device

  // Canonical lower-case form, e.g. "01890a5d-ac96-774b-bcce-b302099a8057".
  std::string next(std::uint64_t unix_ms);

 private:
  std::mt19937_64 m_random;
  std::uint64_t m_last_ms = 0;
  std::uint16_t m_sequence = 0;  // the 12-bit rand_a field, counting within one ms
};

// True for the canonical lower-case 36-character form of any UUID version.
bool is_canonical_uuid(std::string_view text) noexcept;

}  // namespace iro
