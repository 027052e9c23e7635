// Demo stores for the app's tests: made by the real `iro demo seed`, as a
// tablet would hold them, plain or encrypted under a fixed test key.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>

#include "support/temp_dir.hpp"

namespace iro::test {

using StoreKey = std::array<std::uint8_t, 32>;

// The key the encrypted test stores are made with.
extern const StoreKey kTabletKey;
// The passphrase the tests set on them.
constexpr const char* kTabletPassphrase = "kitchen table 42";

// `dir`/tablet.db with `children` demo children and the bundled forms.
std::filesystem::path seeded_store(const TempDir& dir, int children);

// The same, encrypted with kTabletKey; its key file is `dir`/tablet.key
// (tablet_key_file).
std::filesystem::path encrypted_store(const TempDir& dir, int children);
std::filesystem::path tablet_key_file(const TempDir& dir);

}  // namespace iro::test
