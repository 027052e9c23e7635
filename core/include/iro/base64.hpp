// Base64 (RFC 4648, the standard alphabet with padding): how the app's JSON
// carries bytes, such as a child's drawing as a PNG.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace iro {

std::string base64_encode(std::span<const std::uint8_t> bytes);

// The bytes, or nullopt for text that is not padded base64 (whitespace,
// another alphabet, a bad length or stray bits are all refused).
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace iro
