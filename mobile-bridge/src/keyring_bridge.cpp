// The passphrase (iro.h, "The passphrase"): the store's key wrapped in a
// keyring beside the store, for hosts that unlock the app with the IRO's
// passphrase.
#include <cstring>
#include <filesystem>

#include "bridge_support.hpp"
#include "iro/error.hpp"
#include "iro/iro.h"
#include "iro/keyring.hpp"
#include "passphrase_guard.hpp"

using namespace iro::bridge;

extern "C" {

iro_status_t iro_keyring_create(const char* store_path, const char* passphrase, const uint8_t* key,
                                size_t key_length, iro_error_t* error) {
  return guarded(error, [&] {
    require(store_path, "store_path");
    require(passphrase, "passphrase");
    require(key, "key");
    iro::EncryptionKey bytes{};
    if (key_length != bytes.size()) {
      throw iro::Error(iro::ErrorCode::invalid_input,
                       "the key must be 32 bytes (AES-256), not " + std::to_string(key_length));
    }
    std::memcpy(bytes.data(), key, bytes.size());
    iro::create_keyring(iro::keyring_path_for(store_path), passphrase, bytes);
  });
}

iro_status_t iro_keyring_unlock(const char* store_path, const char* passphrase, uint8_t* out_key,
                                size_t key_length, iro_error_t* error) {
  return guarded(error, [&] {
    require(store_path, "store_path");
    require(passphrase, "passphrase");
    require(out_key, "out_key");
    if (key_length != iro::EncryptionKey{}.size()) {
      throw Misuse("out_key must have room for 32 bytes, not " + std::to_string(key_length));
    }
    iro::EncryptionKey key = unlock_with_passphrase(store_path, passphrase);
    std::memcpy(out_key, key.data(), key.size());
    std::memset(key.data(), 0, key.size());
  });
}

int iro_keyring_exists(const char* store_path) {
  if (store_path == nullptr) return 0;
  std::error_code ignored;
  return std::filesystem::exists(iro::keyring_path_for(store_path), ignored) ? 1 : 0;
}

}  // extern "C"
