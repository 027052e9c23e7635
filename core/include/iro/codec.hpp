// Binary encodings of changes and values: a format version byte, then a cereal
// portable binary archive (which starts with its own endianness byte).
// docs/wire-format.md describes the layout byte by byte.
//
// Decoding treats its input as hostile: it bounds every length by what remains
// of the buffer and by the model's limits before allocating, and refuses
// truncated, trailing or corrupted bytes with Error(corrupt_data), and an
// unknown version with Error(unsupported_version). It never crashes.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "iro/change.hpp"
#include "iro/value.hpp"

namespace iro {

// Version history of the change encoding:
//   1  first version: doc_id, kind, child_id, op, field, value, hlc, device_id, device_seq, base
inline constexpr std::uint8_t kChangeFormatVersion = 1;

// Version history of the stored value encoding (device store field values):
//   1  first version: a type tag byte, then the value
inline constexpr std::uint8_t kValueFormatVersion = 1;

using Bytes = std::vector<std::uint8_t>;

Bytes encode_change(const Change& change);
Change decode_change(std::span<const std::uint8_t> bytes);

Bytes encode_value(const Value& value);
Value decode_value(std::span<const std::uint8_t> bytes);

}  // namespace iro
