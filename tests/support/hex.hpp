// Bytes as lower-case hex, for tests that compare encodings with exact bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace iro::test {

inline std::string hex(const std::vector<std::uint8_t>& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const auto byte : bytes) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0xf]);
  }
  return out;
}

}  // namespace iro::test
