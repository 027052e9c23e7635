// Attachments: a child's drawing, a photo of their "words and pictures", a
// signature. Each is a blob named by the SHA-256 of its bytes, so the same
// drawing attached twice is stored once, and whoever receives one can check
// it arrived whole. A record points at its blobs through its `attachments`
// field (a set of hashes); the blobs travel apart from the records, in
// chunks, so a cut transfer resumes (protocol.hpp, BlobPut and BlobGet).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace iro {

// The field of a consultation or visit that names its attachments.
inline constexpr std::string_view kAttachmentsField = "attachments";

// A photo of a drawing from a tablet's camera fits with room to spare.
inline constexpr std::size_t kMaxBlobBytes = 10 * 1024 * 1024;
// One frame's worth: small enough to resume often on a poor connection.
inline constexpr std::size_t kBlobChunkBytes = 256 * 1024;

// True for 64 lower-case hex digits: how blobs are named.
bool is_blob_hash(std::string_view hash) noexcept;

// SHA-256 of `bytes`, as 64 lower-case hex digits.
std::string blob_hash(std::span<const std::uint8_t> bytes);

// SHA-256 over bytes that arrive in pieces (a blob's chunks).
class BlobHasher {
 public:
  BlobHasher();
  ~BlobHasher();
  BlobHasher(const BlobHasher&) = delete;
  BlobHasher& operator=(const BlobHasher&) = delete;

  void update(std::span<const std::uint8_t> bytes);
  // The hash of everything given; the hasher is spent afterwards.
  std::string finish();

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

}  // namespace iro
