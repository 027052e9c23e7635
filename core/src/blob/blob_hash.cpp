#include <openssl/evp.h>

#include <array>

#include "iro/blob.hpp"
#include "iro/error.hpp"

namespace iro {

struct BlobHasher::State {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  ~State() { EVP_MD_CTX_free(context); }
};

BlobHasher::BlobHasher() : m_state(std::make_unique<State>()) {
  if (m_state->context == nullptr ||
      EVP_DigestInit_ex(m_state->context, EVP_sha256(), nullptr) != 1) {
    throw Error(ErrorCode::internal, "SHA-256 is not available");
  }
}

BlobHasher::~BlobHasher() = default;

void BlobHasher::update(std::span<const std::uint8_t> bytes) {
  if (EVP_DigestUpdate(m_state->context, bytes.data(), bytes.size()) != 1) {
    throw Error(ErrorCode::internal, "SHA-256 failed");
  }
}

std::string BlobHasher::finish() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(m_state->context, digest.data(), &length) != 1 || length != 32) {
    throw Error(ErrorCode::internal, "SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(64);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

bool is_blob_hash(std::string_view hash) noexcept {
  if (hash.size() != 64) return false;
  for (const char c : hash) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string blob_hash(std::span<const std::uint8_t> bytes) {
  BlobHasher hasher;
  hasher.update(bytes);
  return hasher.finish();
}

}  // namespace iro
