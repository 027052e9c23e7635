#include "store/cipher.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <memory>
#include <string>

#include "iro/error.hpp"

namespace iro::crypto {
namespace {

// OpenSSL failing here (no entropy, no memory, no AES in the provider) is not
// something a caller can repair: it is reported as an internal error.
[[noreturn]] void fail(const char* what) {
  throw Error(ErrorCode::internal, std::string("OpenSSL failed: ") + what);
}

struct KeyContextFree {
  void operator()(EVP_PKEY_CTX* context) const { EVP_PKEY_CTX_free(context); }
};
using KeyContext = std::unique_ptr<EVP_PKEY_CTX, KeyContextFree>;

int int_size(std::size_t size) {
  if (size > std::size_t(INT32_MAX)) throw Error(ErrorCode::internal, "a value too large to seal");
  return static_cast<int>(size);
}

}  // namespace

Bytes random_bytes(std::size_t size) {
  Bytes bytes(size);
  if (size > 0 && RAND_bytes(bytes.data(), int_size(size)) != 1) fail("RAND_bytes");
  return bytes;
}

Bytes hkdf_sha256(ByteSpan key_material, ByteSpan salt, std::string_view info, std::size_t size) {
  KeyContext context(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
  if (!context) fail("EVP_PKEY_CTX_new_id(HKDF)");
  const auto* info_bytes = reinterpret_cast<const unsigned char*>(info.data());
  if (EVP_PKEY_derive_init(context.get()) != 1 ||
      EVP_PKEY_CTX_set_hkdf_md(context.get(), EVP_sha256()) != 1 ||
      EVP_PKEY_CTX_set1_hkdf_key(context.get(), key_material.data(),
                                 int_size(key_material.size())) != 1 ||
      // RFC 5869: no salt means HashLen zero bytes, OpenSSL's default; it refuses an empty one.
      (!salt.empty() &&
       EVP_PKEY_CTX_set1_hkdf_salt(context.get(), salt.data(), int_size(salt.size())) != 1) ||
      (!info.empty() &&
       EVP_PKEY_CTX_add1_hkdf_info(context.get(), info_bytes, int_size(info.size())) != 1)) {
    fail("setting up HKDF");
  }
  Bytes derived(size);
  std::size_t derived_size = size;
  if (EVP_PKEY_derive(context.get(), derived.data(), &derived_size) != 1 || derived_size != size) {
    fail("EVP_PKEY_derive(HKDF)");
  }
  return derived;
}

Bytes scrypt(std::string_view passphrase, ByteSpan salt, std::uint64_t n, std::uint32_t r,
             std::uint32_t p, std::size_t size) {
  Bytes derived(size);
  // 128 * r * n bytes of working memory, and a little over: OpenSSL's own
  // default ceiling (32 MiB) is just below what n = 2^15, r = 8 needs.
  const std::uint64_t max_memory = 128ull * r * (n + p + 2) + (1u << 20);
  if (EVP_PBE_scrypt(passphrase.data(), passphrase.size(), salt.data(), salt.size(), n, r, p,
                     max_memory, derived.data(), derived.size()) != 1) {
    fail("EVP_PBE_scrypt");
  }
  return derived;
}

void wipe(std::span<std::uint8_t> secret) {
  OPENSSL_cleanse(secret.data(), secret.size());
}

bool equal_in_constant_time(ByteSpan a, ByteSpan b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

struct Aead::Contexts {
  EVP_CIPHER* cipher = nullptr;
  EVP_CIPHER_CTX* sealing = nullptr;
  EVP_CIPHER_CTX* opening = nullptr;

  Contexts() = default;
  Contexts(const Contexts&) = delete;
  Contexts& operator=(const Contexts&) = delete;
  ~Contexts() {
    EVP_CIPHER_CTX_free(sealing);  // wipes the key schedule
    EVP_CIPHER_CTX_free(opening);
    EVP_CIPHER_free(cipher);
  }
};

Aead::Aead(ByteSpan key) : m_contexts(std::make_unique<Contexts>()) {
  if (key.size() != kKeySize) throw Error(ErrorCode::internal, "an AES-256 key is 32 bytes");
  Contexts& c = *m_contexts;
  // Fetched once: EVP_aes_256_gcm() would look the implementation up on every init.
  c.cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  if (!c.cipher) fail("EVP_CIPHER_fetch(AES-256-GCM)");
  c.sealing = EVP_CIPHER_CTX_new();
  c.opening = EVP_CIPHER_CTX_new();
  if (!c.sealing || !c.opening) fail("EVP_CIPHER_CTX_new");
  if (EVP_EncryptInit_ex2(c.sealing, c.cipher, key.data(), nullptr, nullptr) != 1 ||
      EVP_DecryptInit_ex2(c.opening, c.cipher, key.data(), nullptr, nullptr) != 1) {
    fail("setting an AES-256-GCM key");
  }
}

Aead::~Aead() = default;

Bytes Aead::seal(ByteSpan plaintext, ByteSpan associated) const {
  // A fresh random nonce per value: GCM loses everything if a nonce repeats
  // under one key, and a store has no safe place for a counter (another
  // process, or a restored backup, could reuse it). 2^32 random nonces per
  // data key keep the chance of a repeat below 2^-32 (NIST SP 800-38D, 8.3).
  Bytes sealed = random_bytes(kNonceSize);
  sealed.resize(kNonceSize + plaintext.size() + kTagSize);
  std::uint8_t* out = sealed.data() + kNonceSize;

  EVP_CIPHER_CTX* context = m_contexts->sealing;
  int written = 0;
  int ignored = 0;
  // The key stays set; a new nonce starts a new message.
  if (EVP_EncryptInit_ex2(context, nullptr, nullptr, sealed.data(), nullptr) != 1 ||
      EVP_EncryptUpdate(context, nullptr, &ignored, associated.data(),
                        int_size(associated.size())) != 1 ||
      EVP_EncryptUpdate(context, out, &written, plaintext.data(), int_size(plaintext.size())) !=
          1 ||
      EVP_EncryptFinal_ex(context, out + written, &ignored) != 1 ||
      EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, int(kTagSize), out + plaintext.size()) !=
          1) {
    fail("AES-256-GCM encryption");
  }
  return sealed;
}

std::optional<Bytes> Aead::open(ByteSpan sealed, ByteSpan associated) const {
  if (sealed.size() < kSealOverhead) return std::nullopt;
  const ByteSpan nonce = sealed.first(kNonceSize);
  const ByteSpan ciphertext = sealed.subspan(kNonceSize, sealed.size() - kSealOverhead);
  // OpenSSL takes the expected tag through a non-const pointer; it only reads it.
  Bytes tag(sealed.end() - kTagSize, sealed.end());

  Bytes plaintext(ciphertext.size());
  EVP_CIPHER_CTX* context = m_contexts->opening;
  int written = 0;
  int ignored = 0;
  if (EVP_DecryptInit_ex2(context, nullptr, nullptr, nonce.data(), nullptr) != 1 ||
      EVP_DecryptUpdate(context, nullptr, &ignored, associated.data(),
                        int_size(associated.size())) != 1 ||
      EVP_DecryptUpdate(context, plaintext.data(), &written, ciphertext.data(),
                        int_size(ciphertext.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, int(kTagSize), tag.data()) != 1) {
    fail("AES-256-GCM decryption");
  }
  // The tag is checked here: a mismatch is the one expected failure.
  if (EVP_DecryptFinal_ex(context, plaintext.data() + written, &ignored) != 1) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return std::nullopt;
  }
  return plaintext;
}

}  // namespace iro::crypto
