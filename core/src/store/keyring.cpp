#include "iro/keyring.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "iro/error.hpp"
#include "iro/hex.hpp"
#include "store/cipher.hpp"

namespace iro {
namespace {

constexpr std::string_view kFormat = "iro-keyring/1";
constexpr std::size_t kSaltSize = 32;
// The most work a keyring file may ask of an unlock: a file edited to ask
// for gigabytes is refused, not obeyed.
constexpr std::uint64_t kMaxN = 1u << 20;
constexpr std::uint32_t kMaxR = 32;
constexpr std::uint32_t kMaxP = 16;

// What the seal is bound to: a file whose parameters were changed (to make
// guessing cheaper) does not open.
std::string associated_data(const KeyringCost& cost) {
  return std::string(kFormat) + " scrypt n=" + std::to_string(cost.n) +
         " r=" + std::to_string(cost.r) + " p=" + std::to_string(cost.p);
}

crypto::SecretBytes wrapping_key(std::string_view passphrase, crypto::ByteSpan salt,
                                 const KeyringCost& cost) {
  return crypto::SecretBytes(
      crypto::scrypt(passphrase, salt, cost.n, cost.r, cost.p, crypto::kKeySize));
}

[[noreturn]] void not_a_keyring(const std::filesystem::path& path, std::string_view why) {
  throw Error(ErrorCode::corrupt_data,
              path.filename().string() + " is not a keyring (" + std::string(why) + ")");
}

std::uint64_t number(const nlohmann::json& file, const char* name) {
  const auto found = file.find(name);
  if (found == file.end() || !found->is_number_unsigned()) return 0;
  return found->get<std::uint64_t>();
}

}  // namespace

std::filesystem::path keyring_path_for(const std::filesystem::path& store) {
  return std::filesystem::path(store.string() + ".keyring");
}

void create_keyring(const std::filesystem::path& path, std::string_view passphrase,
                    const EncryptionKey& key, const KeyringCost& cost) {
  if (passphrase.size() < kMinPassphraseLength) {
    throw Error(ErrorCode::invalid_input, "a passphrase has at least " +
                                              std::to_string(kMinPassphraseLength) + " characters");
  }
  const crypto::Bytes salt = crypto::random_bytes(kSaltSize);
  const crypto::SecretBytes wrapping = wrapping_key(passphrase, salt, cost);
  const crypto::Aead aead(wrapping.bytes());
  const std::string associated = associated_data(cost);
  const crypto::Bytes sealed =
      aead.seal(key, {reinterpret_cast<const std::uint8_t*>(associated.data()), associated.size()});
  const nlohmann::json file = {{"format", kFormat},
                               {"kdf", "scrypt"},
                               {"n", cost.n},
                               {"r", cost.r},
                               {"p", cost.p},
                               {"salt", hex_encode(salt)},
                               {"sealed", hex_encode(sealed)}};
  const std::string text = file.dump() + "\n";
  // Written whole beside the old one, then renamed over it: a crash leaves
  // one keyring or the other, never half of one. 0600: the IRO's alone.
  const std::filesystem::path partial = path.string() + ".new";
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const bool written = fd >= 0 &&
                       ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                       ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  std::error_code renamed;
  if (written) std::filesystem::rename(partial, path, renamed);
  if (!written || renamed) {
    std::filesystem::remove(partial, renamed);
    throw Error(ErrorCode::storage_failure, "cannot write the keyring " + path.string());
  }
}

std::optional<EncryptionKey> open_keyring(const std::filesystem::path& path,
                                          std::string_view passphrase) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::not_found, "no passphrase has been set for this store");
  const nlohmann::json file = nlohmann::json::parse(std::istreambuf_iterator<char>(in),
                                                    std::istreambuf_iterator<char>(), nullptr,
                                                    /*allow_exceptions=*/false);
  if (!file.is_object() || file.value("format", "") != kFormat ||
      file.value("kdf", "") != "scrypt") {
    not_a_keyring(path, "unknown format");
  }
  KeyringCost cost;
  cost.n = number(file, "n");
  cost.r = static_cast<std::uint32_t>(number(file, "r"));
  cost.p = static_cast<std::uint32_t>(number(file, "p"));
  if (cost.n < 2 || (cost.n & (cost.n - 1)) != 0 || cost.n > kMaxN || cost.r == 0 ||
      cost.r > kMaxR || cost.p == 0 || cost.p > kMaxP) {
    not_a_keyring(path, "scrypt parameters out of range");
  }
  const auto salt = hex_decode(file.value("salt", ""));
  const auto sealed = hex_decode(file.value("sealed", ""));
  if (!salt || salt->size() != kSaltSize || !sealed) not_a_keyring(path, "bad salt or key");
  const crypto::SecretBytes wrapping = wrapping_key(passphrase, *salt, cost);
  const crypto::Aead aead(wrapping.bytes());
  const std::string associated = associated_data(cost);
  std::optional<crypto::Bytes> opened = aead.open(
      *sealed, {reinterpret_cast<const std::uint8_t*>(associated.data()), associated.size()});
  if (!opened || opened->size() != crypto::kKeySize) return std::nullopt;
  EncryptionKey key{};
  std::copy(opened->begin(), opened->end(), key.begin());
  crypto::wipe(*opened);
  return key;
}

}  // namespace iro
