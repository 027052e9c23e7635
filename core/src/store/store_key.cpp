#include "store/store_key.hpp"

#include "iro/error.hpp"
#include "store/cipher.hpp"
#include "store/document_rows.hpp"

namespace iro {
namespace {

constexpr std::string_view kEncryptionKey = "encryption";
constexpr std::string_view kSaltKey = "encryption_salt";
constexpr std::string_view kKeyCheckKey = "encryption_key_check";

// The only format so far. A store written by a newer build in another format
// is refused rather than misread.
constexpr std::string_view kFormat = "aes-256-gcm+hkdf-sha256/1";
constexpr std::size_t kSaltSize = 32;

// HKDF info labels: one input key, two unrelated outputs. Knowing the key
// check tells nothing about the data key.
constexpr std::string_view kKeyCheckInfo = "iro-sync device store: key check";
constexpr std::string_view kDataKeyInfo = "iro-sync device store: record key (AES-256-GCM)";

crypto::Bytes derive(const EncryptionKey& key, crypto::ByteSpan salt, std::string_view info) {
  return crypto::hkdf_sha256(key, salt, info, crypto::kKeySize);
}

ValueCodec codec_for(const EncryptionKey& key, crypto::ByteSpan salt) {
  crypto::Bytes data_key = derive(key, salt, kDataKeyInfo);
  auto aead = std::make_unique<const crypto::Aead>(data_key);
  crypto::wipe(data_key);
  return ValueCodec(std::move(aead));
}

}  // namespace

ValueCodec unlock_store(sqlite::Database& db, const std::optional<EncryptionKey>& key) {
  const std::optional<std::string> format = rows::meta_text(db, kEncryptionKey);
  if (!format) {
    if (key) {
      throw Error(ErrorCode::wrong_key,
                  "this store is not encrypted: open it without a key; a store is encrypted "
                  "from its creation or not at all");
    }
    return ValueCodec();
  }
  if (*format != kFormat) {
    throw Error(ErrorCode::unsupported_version,
                "this store is encrypted as \"" + *format + "\", which this build cannot read");
  }
  if (!key) throw Error(ErrorCode::wrong_key, "this store is encrypted: open it with its key");
  const auto salt = rows::meta_blob(db, kSaltKey);
  const auto check = rows::meta_blob(db, kKeyCheckKey);
  if (!salt || !check) {
    throw Error(ErrorCode::corrupt_data, "this encrypted store has lost its key check");
  }
  if (!crypto::equal_in_constant_time(derive(*key, *salt, kKeyCheckInfo), *check)) {
    throw Error(ErrorCode::wrong_key,
                "the key does not open this store: it was encrypted with another key");
  }
  return codec_for(*key, *salt);
}

ValueCodec set_up_store_key(sqlite::Database& db, const std::optional<EncryptionKey>& key) {
  if (!key) return ValueCodec();
  const crypto::Bytes salt = crypto::random_bytes(kSaltSize);
  rows::set_meta(db, kEncryptionKey, kFormat);
  rows::set_meta(db, kSaltKey, std::span<const std::uint8_t>(salt));
  rows::set_meta(db, kKeyCheckKey,
                 std::span<const std::uint8_t>(derive(*key, salt, kKeyCheckInfo)));
  return codec_for(*key, salt);
}

}  // namespace iro
