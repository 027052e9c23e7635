// The IRO's passphrase keyring: the store's key wrapped under scrypt.
#include "iro/keyring.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "iro/error.hpp"
#include "support/expect_error.hpp"
#include "support/temp_dir.hpp"

using namespace iro;
using namespace iro::test;

namespace {

// Cheap parameters: the tests are about the format, not the cost.
const KeyringCost kCheap{1u << 10, 8, 1};

EncryptionKey a_key() {
  EncryptionKey key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i * 7 + 3);
  return key;
}

nlohmann::json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

void write_json(const std::filesystem::path& path, const nlohmann::json& json) {
  std::ofstream(path) << json.dump();
}

}  // namespace

TEST_CASE("the keyring gives back the key for its passphrase, and nothing for another") {
  TempDir dir;
  const auto path = keyring_path_for(dir.path() / "tablet.db");
  CHECK(path.filename() == "tablet.db.keyring");
  create_keyring(path, "correct horse battery", a_key(), kCheap);
  CHECK(open_keyring(path, "correct horse battery") == a_key());
  CHECK_FALSE(open_keyring(path, "correct horse batterY").has_value());
  CHECK_FALSE(open_keyring(path, "").has_value());
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  // The file holds no byte of the key in any readable form.
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text.find("0003") == std::string::npos);  // the key's first bytes, 03 0a..., as hex
}

TEST_CASE("a new passphrase replaces the old one") {
  TempDir dir;
  const auto path = dir.path() / "k.keyring";
  create_keyring(path, "first passphrase", a_key(), kCheap);
  create_keyring(path, "second passphrase", a_key(), kCheap);
  CHECK_FALSE(open_keyring(path, "first passphrase").has_value());
  CHECK(open_keyring(path, "second passphrase") == a_key());
  CHECK_FALSE(std::filesystem::exists(path.string() + ".new"));
}

TEST_CASE("short passphrases, missing and damaged keyrings are refused with their reason") {
  TempDir dir;
  const auto path = dir.path() / "k.keyring";
  CHECK(error_code_of([&] { create_keyring(path, "short", a_key(), kCheap); }) ==
        ErrorCode::invalid_input);
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK(error_code_of([&] { open_keyring(path, "anything at all"); }) == ErrorCode::not_found);

  create_keyring(path, "a long enough passphrase", a_key(), kCheap);
  const nlohmann::json good = read_json(path);
  // Cheaper parameters written in by hand do not open it (they are sealed with the key).
  nlohmann::json cheaper = good;
  cheaper["n"] = 512;
  write_json(path, cheaper);
  CHECK_FALSE(open_keyring(path, "a long enough passphrase").has_value());
  // Parameters that would take gigabytes, or are not scrypt's, are refused unrun.
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, nlohmann::json>>{{"n", 1ull << 40},
                                                           {"n", 1000},
                                                           {"r", 0},
                                                           {"p", 1000},
                                                           {"salt", "zz"},
                                                           {"format", "v9"}}) {
    CAPTURE(name);
    nlohmann::json bad = good;
    bad[name] = value;
    write_json(path, bad);
    CHECK(error_code_of([&] { open_keyring(path, "a long enough passphrase"); }) ==
          ErrorCode::corrupt_data);
  }
  std::ofstream(path) << "not json";
  CHECK(error_code_of([&] { open_keyring(path, "a long enough passphrase"); }) ==
        ErrorCode::corrupt_data);
}
