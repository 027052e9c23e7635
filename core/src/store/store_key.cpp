#include "store/store_key.hpp"

#include "iro/error.hpp"
#include "store/document_rows.hpp"
#include "store/server_settings.hpp"

namespace iro {
namespace {

constexpr std::string_view kEncryptionKey = "encryption";
constexpr std::string_view kSaltKey = "encryption_salt";
constexpr std::string_view kKeyCheckKey = "encryption_key_check";
constexpr std::string_view kWrappedKey = kHostWrappedKeyMeta;

// The format a store is made in. /3 seals the server settings
// (server_settings.hpp) under the secrets key. /2 kept them in clear: such a
// store is read, and upgraded to /3 at its next open with its key
// (upgrade_store_format). /1 (the data key derived from the host key, so no
// lease could lock it) never left development; a store in any other format
// is refused rather than misread.
constexpr std::string_view kFormat = "aes-256-gcm+hkdf-sha256/3";
constexpr std::string_view kSettingsInClearFormat = "aes-256-gcm+hkdf-sha256/2";
constexpr std::size_t kSaltSize = 32;

// HKDF info labels: one input key, unrelated outputs. Knowing the key check
// tells nothing about the others.
//
// Each format has a key check of its own, so the format is authenticated: the
// format row is plain text, and a store whose settings are sealed, set back
// to /2 in the file to have settings written in clear sealed at the next
// open, no longer passes its key check (whoever wrote it would need the host
// key to make the /2 check). It is refused as opened with the wrong key.
constexpr std::string_view kSettingsInClearKeyCheckInfo = "iro-sync device store: key check";
constexpr std::string_view kKeyCheckInfo =
    "iro-sync device store: key check, format 3 (server settings sealed)";
constexpr std::string_view kWrapKeyInfo = "iro-sync device store: wrap key (AES-256-GCM)";
constexpr std::string_view kSecretsKeyInfo = "iro-sync device store: secrets key (AES-256-GCM)";
constexpr std::string_view kLeaseHostPartInfo = "iro-sync device store: lease host part";
constexpr std::string_view kHostWrapping = "host key";

crypto::SecretBytes derive(const EncryptionKey& key, crypto::ByteSpan salt, std::string_view info) {
  return crypto::SecretBytes(crypto::hkdf_sha256(key, salt, info, crypto::kKeySize));
}

Bytes wrapping_associated_data(std::string_view purpose) {
  const std::string label = "iro-sync device store: data key wrapped by " + std::string(purpose);
  return Bytes(label.begin(), label.end());
}

// The keys every open of an encrypted store derives from the host key.
StoreKeys host_keys(const EncryptionKey& key, crypto::Bytes salt) {
  StoreKeys keys;
  keys.encrypted = true;
  keys.secrets = codec_for_data_key(derive(key, salt, kSecretsKeyInfo).bytes());
  keys.lease_host_part = derive(key, salt, kLeaseHostPartInfo);
  keys.salt = std::move(salt);
  return keys;
}

}  // namespace

void StoreKeys::unlock(crypto::SecretBytes key) {
  records = codec_for_data_key(key.bytes());
  data_key = std::move(key);
}

void StoreKeys::lock(std::string why) {
  records = ValueCodec::locked(std::move(why));
  data_key = crypto::SecretBytes();
}

ValueCodec codec_for_data_key(crypto::ByteSpan data_key) {
  return ValueCodec(std::make_unique<const crypto::Aead>(data_key));
}

crypto::Bytes wrap_data_key(crypto::ByteSpan kek, crypto::ByteSpan data_key,
                            std::string_view purpose) {
  return crypto::Aead(kek).seal(data_key, wrapping_associated_data(purpose));
}

crypto::SecretBytes unwrap_data_key(crypto::ByteSpan kek, crypto::ByteSpan wrapped,
                                    std::string_view purpose) {
  auto plain = crypto::Aead(kek).open(wrapped, wrapping_associated_data(purpose));
  if (!plain || plain->size() != crypto::kKeySize) {
    if (plain) crypto::wipe(*plain);
    return {};
  }
  return crypto::SecretBytes(*std::move(plain));
}

StoreKeys unlock_store(sqlite::Database& db, const std::optional<EncryptionKey>& key) {
  const std::optional<std::string> format = rows::meta_text(db, kEncryptionKey);
  if (!format) {
    if (key) {
      throw Error(ErrorCode::wrong_key,
                  "this store is not encrypted: open it without a key; a store is encrypted "
                  "from its creation or not at all");
    }
    return StoreKeys();
  }
  const bool settings_in_clear = *format == kSettingsInClearFormat;
  if (*format != kFormat && !settings_in_clear) {
    throw Error(ErrorCode::unsupported_version,
                "this store is encrypted as \"" + *format + "\", which this build cannot read");
  }
  if (!key) throw Error(ErrorCode::wrong_key, "this store is encrypted: open it with its key");
  auto salt = rows::meta_blob(db, kSaltKey);
  const auto check = rows::meta_blob(db, kKeyCheckKey);
  if (!salt || !check) {
    throw Error(ErrorCode::corrupt_data, "this encrypted store has lost its key check");
  }
  const std::string_view check_info =
      settings_in_clear ? kSettingsInClearKeyCheckInfo : kKeyCheckInfo;
  if (!crypto::equal_in_constant_time(derive(*key, *salt, check_info).bytes(), *check)) {
    throw Error(ErrorCode::wrong_key,
                "the key does not open this store: it was encrypted with another key");
  }
  StoreKeys keys = host_keys(*key, *std::move(salt));
  keys.settings_in_clear = settings_in_clear;
  // Without its host-wrapped data key the store is leased: locked until
  // lease.hpp's open_lease unwraps the data key with the lease secret.
  keys.lock("");
  if (const auto wrapped = rows::meta_blob(db, kWrappedKey)) {
    crypto::SecretBytes data_key =
        unwrap_data_key(derive(*key, keys.salt, kWrapKeyInfo).bytes(), *wrapped, kHostWrapping);
    if (data_key.empty()) {
      throw Error(ErrorCode::corrupt_data,
                  "this encrypted store's wrapped data key does not open under its key");
    }
    keys.unlock(std::move(data_key));
  }
  return keys;
}

void upgrade_store_format(sqlite::Database& db, const EncryptionKey& key, StoreKeys& keys) {
  if (!keys.settings_in_clear) return;
  // The one holding the host key is the store's user: the settings in clear
  // are taken as theirs and sealed from now on. Whoever altered them in the
  // file before this open cannot be told from the user; that window closes
  // here, once per store.
  seal_server_settings_in_clear(db, keys.secrets);
  rows::set_meta(db, kEncryptionKey, kFormat);
  rows::set_meta(db, kKeyCheckKey, derive(key, keys.salt, kKeyCheckInfo).bytes());
  keys.settings_in_clear = false;
}

StoreKeys set_up_store_key(sqlite::Database& db, const std::optional<EncryptionKey>& key) {
  if (!key) return StoreKeys();
  crypto::Bytes salt = crypto::random_bytes(kSaltSize);
  crypto::SecretBytes data_key(crypto::random_bytes(crypto::kKeySize));
  rows::set_meta(db, kEncryptionKey, kFormat);
  rows::set_meta(db, kSaltKey, std::span<const std::uint8_t>(salt));
  rows::set_meta(db, kKeyCheckKey, derive(*key, salt, kKeyCheckInfo).bytes());
  rows::set_meta(db, kWrappedKey,
                 std::span<const std::uint8_t>(wrap_data_key(
                     derive(*key, salt, kWrapKeyInfo).bytes(), data_key.bytes(), kHostWrapping)));
  StoreKeys keys = host_keys(*key, std::move(salt));
  keys.unlock(std::move(data_key));
  return keys;
}

}  // namespace iro
