#include "app/demo_stores.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "support/process.hpp"

namespace iro::test {

const StoreKey kTabletKey = [] {
  StoreKey key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(7 * i + 3);
  return key;
}();

namespace {

std::filesystem::path seed(const TempDir& dir, int children, bool encrypted) {
  const auto db = dir.path() / "tablet.db";
  std::vector<std::string> argv = {IRO_CLI, "--db", db.string()};
  if (encrypted) argv.insert(argv.end(), {"--key-file", tablet_key_file(dir).string()});
  argv.insert(argv.end(), {"demo", "seed", "--children", std::to_string(children)});
  const ProcessResult seeded = run_process(argv);
  REQUIRE_MESSAGE(seeded.exit_code == 0, seeded.err);
  return db;
}

}  // namespace

std::filesystem::path tablet_key_file(const TempDir& dir) {
  const auto key_file = dir.path() / "tablet.key";
  if (std::filesystem::exists(key_file)) return key_file;
  static const char* kDigits = "0123456789abcdef";
  std::string hex;
  for (const std::uint8_t byte : kTabletKey) {
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 0xf];
  }
  std::ofstream(key_file) << hex << "\n";
  std::filesystem::permissions(
      key_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return key_file;
}

std::filesystem::path seeded_store(const TempDir& dir, int children) {
  return seed(dir, children, false);
}

std::filesystem::path encrypted_store(const TempDir& dir, int children) {
  return seed(dir, children, true);
}

}  // namespace iro::test
