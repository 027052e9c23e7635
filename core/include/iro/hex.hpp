// Hexadecimal text for bytes (lower case out, either case in): how keys,
// salts, hashes and secrets are written where people or JSON see them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace iro {

std::string hex_encode(std::span<const std::uint8_t> bytes);

// The bytes, or nullopt for an odd length or a character that is not a hex digit.
std::optional<std::vector<std::uint8_t>> hex_decode(std::string_view hex);

}  // namespace iro
