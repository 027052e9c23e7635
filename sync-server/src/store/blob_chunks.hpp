// Reading a blob back from its chunks, the same on every engine: the engine
// selects the chunks that overlap the range, in offset order; this keeps the
// bytes from `offset` that are contiguous.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "iro/codec.hpp"

namespace iro::server {

class BlobReader {
 public:
  BlobReader(std::uint64_t offset, std::size_t max_bytes) : m_at(offset), m_max(max_bytes) {}

  // Adds what the next chunk holds of the range. False once nothing more can
  // be added: the range is full, or this chunk starts past a gap.
  bool add(std::uint64_t chunk_offset, std::span<const std::uint8_t> chunk) {
    if (m_bytes.size() >= m_max || chunk_offset > m_at) return false;  // full, or a gap
    const std::size_t skip = std::size_t(m_at - chunk_offset);
    if (skip >= chunk.size()) return true;  // wholly before the range: an overwritten chunk
    const std::size_t take = std::min(chunk.size() - skip, m_max - m_bytes.size());
    m_bytes.insert(m_bytes.end(), chunk.begin() + std::ptrdiff_t(skip),
                   chunk.begin() + std::ptrdiff_t(skip + take));
    m_at += take;
    return true;
  }

  Bytes take() { return std::move(m_bytes); }

 private:
  std::uint64_t m_at;
  std::size_t m_max;
  Bytes m_bytes;
};

}  // namespace iro::server
