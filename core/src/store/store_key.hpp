// Which key opens a device store, and the keys it gives (docs/ARCHITECTURE.md,
// "Encryption at rest"). The host's key is never stored. meta holds, for an
// encrypted store:
//   encryption              the format, "aes-256-gcm+hkdf-sha256/3": marks the store
//                           encrypted (/2, before the server settings were sealed, is
//                           upgraded at open: upgrade_store_format)
//   encryption_salt         32 random bytes, made when the store was created
//   encryption_key_check    HKDF-SHA256(host key, salt, "...key check, format 3..."):
//                           tells the right key from a wrong one without revealing
//                           either key, and authenticates the format
//   encryption_wrapped_key  the data key, sealed under HKDF-SHA256(host key, salt,
//                           "...wrap key"); deleted once the server grants a lease
//                           (lease.hpp), after which only the lease unwraps it
// The data key that seals record contents is 32 random bytes made with the
// store, so it cannot be derived from the host key. Secrets the store needs
// while its records are locked (the device token, the lease secret) and the
// settings that decide where the token goes (server_settings.hpp) are sealed
// under HKDF-SHA256(host key, salt, "...secrets key") instead. A plain store
// has none of these rows, and nothing in it is authenticated.
#pragma once

#include <optional>
#include <string>

#include "iro/store.hpp"
#include "store/cipher.hpp"
#include "store/sqlite.hpp"
#include "store/value_codec.hpp"

namespace iro {

// meta's key for the host-wrapped data key (deleted by a lease).
inline constexpr std::string_view kHostWrappedKeyMeta = "encryption_wrapped_key";

// The keys an open store holds in memory. For a plain store both codecs are
// plain and the key material empty.
struct StoreKeys {
  bool encrypted = false;
  // Record contents: plain, sealed under the data key, or locked (no data key).
  ValueCodec records;
  // The device token and the lease secret: under the host-derived secrets key.
  ValueCodec secrets;
  crypto::Bytes salt;
  // HKDF-SHA256(host key, salt, "...lease host part"): the host's half of the
  // lease key (lease.hpp), kept so the host key itself is wiped after open.
  crypto::SecretBytes lease_host_part;
  // The data key; empty while locked (and in a plain store).
  crypto::SecretBytes data_key;
  // The store is in format /2: its server settings are still in clear, until
  // upgrade_store_format seals them.
  bool settings_in_clear = false;

  bool locked() const { return encrypted && data_key.empty(); }
  // Makes `data_key` the store's data key, and records readable again.
  void unlock(crypto::SecretBytes key);
  // Forgets the data key: records throw Error(lease_expired, why) until unlock.
  void lock(std::string why);
};

// The keys for an existing store, after checking `key` against it. Only
// reads: a refused key leaves the file as it was. Throws Error(wrong_key)
// when the store is encrypted and no key or another key was given, or when
// the store is plain and a key was given (a store is never half encrypted).
// A store whose data key is wrapped only by a lease comes back locked;
// lease.hpp's open_lease decides whether its stored lease unlocks it.
StoreKeys unlock_store(sqlite::Database& db, const std::optional<EncryptionKey>& key);

// Seals the server settings of a store in format /2 (server_settings.hpp)
// and moves it to the current format, with the key check of that format;
// does nothing for any other store. Needs the host key (`key`, which opened
// the store): the new key check is derived from it. The caller holds the
// transaction, so a store is upgraded whole or not at all.
void upgrade_store_format(sqlite::Database& db, const EncryptionKey& key, StoreKeys& keys);

// Sets up a new store's encryption (nothing, without a key) and returns its
// keys. The caller holds the transaction that also gives the store its
// device id, so a store is either set up whole or looks new again.
StoreKeys set_up_store_key(sqlite::Database& db, const std::optional<EncryptionKey>& key);

// A codec sealing under `data_key` (kKeySize bytes).
ValueCodec codec_for_data_key(crypto::ByteSpan data_key);

// AES-256-GCM of a data key under a key-encryption key, bound to `purpose`
// (which wrapping this is), and back. unwrap_data_key returns empty
// SecretBytes when `wrapped` does not open under `kek`.
crypto::Bytes wrap_data_key(crypto::ByteSpan kek, crypto::ByteSpan data_key,
                            std::string_view purpose);
crypto::SecretBytes unwrap_data_key(crypto::ByteSpan kek, crypto::ByteSpan wrapped,
                                    std::string_view purpose);

}  // namespace iro
