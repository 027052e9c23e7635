// The layout of one change inside a message or on its own (docs/wire-format.md).
#pragma once

#include "iro/change.hpp"
#include "sync/binary_archive.hpp"

namespace iro::wire {

// Whether the author's device id is written: changes inside a Push leave it
// out, because the authenticated session names the author.
enum class Author : bool { omitted = false, included = true };

void write_change(BinaryWriter& writer, const Change& change, Author author);

// Checks the structure (ids, kind, operation, field name) as it reads.
Change read_change(BinaryReader& reader, Author author);

// The fewest bytes a change can take, for bounding counts before reading.
inline constexpr std::size_t kMinChangeBytes = 8 + 1 + 8 + 1 + 8 + 1 + 8 + 8 + 8;

}  // namespace iro::wire
