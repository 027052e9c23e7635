// Checking the IRO's passphrase against a store's keyring (iro/keyring.hpp),
// with a wait after repeated wrong guesses: five in a row, then one guess
// per 30 seconds until a right one. Counted per store file, for this
// process: the unlock (iro_keyring_unlock) and leaving the app's child mode
// share the count, so a child cannot guess at one after the other.
#pragma once

#include <filesystem>
#include <string_view>

#include "iro/store.hpp"

namespace iro::bridge {

inline constexpr int kFreePassphraseGuesses = 5;
inline constexpr int kSecondsBetweenGuesses = 30;

// The key the keyring beside `store_path` wraps. Throws Error(wrong_key) for
// a wrong passphrase, Error(not_allowed) while guesses must wait (saying how
// long), Error(not_found) when the store has no keyring.
EncryptionKey unlock_with_passphrase(const std::filesystem::path& store_path,
                                     std::string_view passphrase);

}  // namespace iro::bridge
