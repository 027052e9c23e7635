// The device store's cryptography, and the only code in core that calls
// OpenSSL: HKDF-SHA256 to derive keys from the host's key, AES-256-GCM to seal
// and open stored values. What is sealed, and with which associated data, is
// value_codec.hpp's business; the reasons are in docs/ARCHITECTURE.md ("The
// device store", "Encryption at rest").
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace iro::crypto {

using Bytes = std::vector<std::uint8_t>;
using ByteSpan = std::span<const std::uint8_t>;

inline constexpr std::size_t kKeySize = 32;    // AES-256
inline constexpr std::size_t kNonceSize = 12;  // GCM's 96-bit nonce
inline constexpr std::size_t kTagSize = 16;    // GCM's full 128-bit tag
// What sealing adds to a plaintext: the nonce before it, the tag after.
inline constexpr std::size_t kSealOverhead = kNonceSize + kTagSize;

// `size` bytes from OpenSSL's CSPRNG. Throws Error(internal) if it fails.
Bytes random_bytes(std::size_t size);

// HKDF-SHA256 (RFC 5869): `size` bytes from input key material, salt and info.
Bytes hkdf_sha256(ByteSpan key_material, ByteSpan salt, std::string_view info, std::size_t size);

// scrypt (RFC 7914): `size` bytes from a passphrase and salt, costing
// memory and time by (n, r, p) so that guessing passphrases is slow.
// Throws Error(internal) when OpenSSL refuses (parameters beyond its limits).
Bytes scrypt(std::string_view passphrase, ByteSpan salt, std::uint64_t n, std::uint32_t r,
             std::uint32_t p, std::size_t size);

// Overwrites key material in a way the compiler may not optimise away.
void wipe(std::span<std::uint8_t> secret);

// Byte-wise equality in time that does not depend on where they differ.
bool equal_in_constant_time(ByteSpan a, ByteSpan b);

// Key material held in memory: wiped when it dies or is replaced. Moving
// leaves the source empty, so exactly one copy is wiped.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(Bytes bytes) : m_bytes(std::move(bytes)) {}
  ~SecretBytes() { wipe(m_bytes); }
  SecretBytes(SecretBytes&& other) noexcept : m_bytes(std::exchange(other.m_bytes, {})) {}
  SecretBytes& operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
      wipe(m_bytes);
      m_bytes = std::exchange(other.m_bytes, {});
    }
    return *this;
  }
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  bool empty() const noexcept { return m_bytes.empty(); }
  ByteSpan bytes() const noexcept { return m_bytes; }

 private:
  Bytes m_bytes;
};

// An AES-256-GCM key, expanded once into OpenSSL contexts that are reused
// for every value (setting a key up per value cost more than the sealing).
// OpenSSL wipes the key schedule when the object dies. Not copyable, so one
// copy of the key lives in memory per store.
//
// Thread safety: one thread at a time, even for the const functions (they
// reuse the contexts); a DeviceStore is used that way.
class Aead {
 public:
  explicit Aead(ByteSpan key);  // exactly kKeySize bytes, else Error(internal)
  ~Aead();
  Aead(const Aead&) = delete;
  Aead& operator=(const Aead&) = delete;

  // nonce (12 random bytes) || ciphertext || tag (16 bytes). `associated` is
  // authenticated but not stored: opening needs the same bytes.
  Bytes seal(ByteSpan plaintext, ByteSpan associated) const;

  // The plaintext, or nullopt when `sealed` is too short, was altered, or was
  // sealed under another key or other associated data.
  std::optional<Bytes> open(ByteSpan sealed, ByteSpan associated) const;

 private:
  struct Contexts;  // OpenSSL's, kept out of this header
  std::unique_ptr<Contexts> m_contexts;
};

}  // namespace iro::crypto
