#include "passphrase_guard.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "iro/error.hpp"
#include "iro/keyring.hpp"

namespace iro::bridge {
namespace {

using Clock = std::chrono::steady_clock;

struct Guesses {
  int wrong_in_a_row = 0;
  Clock::time_point last_wrong{};
};

std::mutex g_lock;
std::map<std::string, Guesses, std::less<>> g_guesses;  // by the keyring's path, under g_lock

std::string key_of(const std::filesystem::path& keyring) {
  std::error_code ignored;
  const std::filesystem::path absolute = std::filesystem::weakly_canonical(keyring, ignored);
  return (absolute.empty() ? keyring : absolute).string();
}

}  // namespace

EncryptionKey unlock_with_passphrase(const std::filesystem::path& store_path,
                                     std::string_view passphrase) {
  const std::filesystem::path keyring = keyring_path_for(store_path);
  const std::string key = key_of(keyring);
  {
    std::lock_guard lock(g_lock);
    const Guesses& guesses = g_guesses[key];
    if (guesses.wrong_in_a_row >= kFreePassphraseGuesses) {
      const auto waited = Clock::now() - guesses.last_wrong;
      const auto wait = std::chrono::seconds(kSecondsBetweenGuesses);
      if (waited < wait) {
        const auto left = std::chrono::ceil<std::chrono::seconds>(wait - waited).count();
        throw Error(ErrorCode::not_allowed, std::to_string(guesses.wrong_in_a_row) +
                                                " wrong passphrases in a row: try again in " +
                                                std::to_string(left) + " s");
      }
    }
  }
  // scrypt takes a tenth of a second or so: not under the lock.
  const std::optional<EncryptionKey> unwrapped = open_keyring(keyring, passphrase);
  std::lock_guard lock(g_lock);
  Guesses& guesses = g_guesses[key];
  if (!unwrapped) {
    ++guesses.wrong_in_a_row;
    guesses.last_wrong = Clock::now();
    throw Error(ErrorCode::wrong_key, "that is not the passphrase");
  }
  guesses = {};
  return *unwrapped;
}

}  // namespace iro::bridge
