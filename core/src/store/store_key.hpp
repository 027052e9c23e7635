// Which key opens a device store, and the codec that key gives
// (value_codec.hpp). The host's key is never stored; meta holds, for an
// encrypted store:
//   encryption            the format, "aes-256-gcm+hkdf-sha256/1": marks the store encrypted
//   encryption_salt       32 random bytes, made when the store was created
//   encryption_key_check  HKDF-SHA256(host key, salt, "...key check"): tells the
//                         right key from a wrong one without revealing either key
// and the data key that seals values is HKDF-SHA256(host key, salt, "...record
// key"). The salt makes the same host key give every store its own data key
// and key check. A plain store has none of these rows.
#pragma once

#include <optional>

#include "iro/store.hpp"
#include "store/sqlite.hpp"
#include "store/value_codec.hpp"

namespace iro {

// The codec for an existing store, after checking `key` against it. Only
// reads: a refused key leaves the file as it was. Throws Error(wrong_key)
// when the store is encrypted and no key or another key was given, or when
// the store is plain and a key was given (a store is never half encrypted).
ValueCodec unlock_store(sqlite::Database& db, const std::optional<EncryptionKey>& key);

// Sets up a new store's encryption (nothing, without a key) and returns its
// codec. The caller holds the transaction that also gives the store its
// device id, so a store is either set up whole or looks new again.
ValueCodec set_up_store_key(sqlite::Database& db, const std::optional<EncryptionKey>& key);

}  // namespace iro
