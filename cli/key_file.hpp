// Reading the store's key from `--key-file FILE`. On a tablet the host takes
// the key from the platform keystore (docs/security.md); on a desktop the
// key lives in a file the officer's account alone can read, kept apart from
// the store (a key next to the store it opens protects nothing).
#pragma once

#include <filesystem>

#include "iro/store.hpp"

namespace iro::cli {

// The key in `path`: 64 hex digits (either case, surrounding whitespace such
// as a final newline ignored) or exactly 32 raw bytes. Throws
// Error(invalid_input) with one line naming the file for anything else.
EncryptionKey read_key_file(const std::filesystem::path& path);

}  // namespace iro::cli
