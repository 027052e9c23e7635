// The IRO's passphrase: the store's key (the one the host would otherwise
// keep in a keystore or key file) wrapped under a key derived from a
// passphrase the IRO types, in a small file beside the store (the keyring).
// The app unlocks with it, and leaving child mode needs it.
//
// The file is JSON, 0600: {"format": "iro-keyring/1", "kdf": "scrypt", "n",
// "r", "p", "salt" (32 random bytes, hex), "sealed" (the 32-byte store key
// under AES-256-GCM with the derived key, hex, bound to the format and the
// parameters)}. docs/security.md says what it protects against.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>

#include "iro/store.hpp"

namespace iro {

struct KeyringCost {
  // scrypt's parameters: n = 2^15, r = 8, p = 1 take about 0.1 s and 32 MiB
  // on the project's tablet-class machine, per guess.
  std::uint64_t n = 1u << 15;
  std::uint32_t r = 8;
  std::uint32_t p = 1;
};

// Passphrases shorter than this are refused: a tablet can be stolen, and the
// keyring with it.
inline constexpr std::size_t kMinPassphraseLength = 8;

// Where a store's keyring is: `<store>.keyring`.
std::filesystem::path keyring_path_for(const std::filesystem::path& store);

// Writes (or replaces) the keyring at `path`, wrapping `key`. Throws
// Error(invalid_input) for a passphrase under kMinPassphraseLength
// characters, Error(storage_failure) when the file cannot be written.
void create_keyring(const std::filesystem::path& path, std::string_view passphrase,
                    const EncryptionKey& key, const KeyringCost& cost = {});

// The key the keyring wraps, or nullopt when the passphrase is not its.
// Throws Error(not_found) when there is no keyring, Error(corrupt_data) for
// a file that is not one.
std::optional<EncryptionKey> open_keyring(const std::filesystem::path& path,
                                          std::string_view passphrase);

}  // namespace iro
