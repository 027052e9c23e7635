#include "service/web_login.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <span>
#include <vector>

#include "iro/error.hpp"
#include "service/secrets.hpp"

namespace iro::server {
namespace {

constexpr std::size_t kMaxLoginLength = 64;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;

std::vector<unsigned char> pbkdf2(std::string_view password, std::span<const unsigned char> salt,
                                  std::uint32_t iterations) {
  std::vector<unsigned char> hash(kHashBytes);
  if (PKCS5_PBKDF2_HMAC(password.data(), int(password.size()), salt.data(), int(salt.size()),
                        int(iterations), EVP_sha256(), int(hash.size()), hash.data()) != 1) {
    throw Error(ErrorCode::internal, "PBKDF2 failed");
  }
  return hash;
}

}  // namespace

std::optional<std::string> normalised_login(std::string_view login) {
  if (login.empty() || login.size() > kMaxLoginLength) return std::nullopt;
  std::string out;
  for (const char c : login) {
    const char lower = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
    const bool allowed = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9') ||
                         lower == '.' || lower == '_' || lower == '-';
    if (!allowed) return std::nullopt;
    out.push_back(lower);
  }
  return out;
}

void set_password(StoreTxn& txn, std::string_view user_id, std::string_view login,
                  std::string_view password, std::uint64_t now_ms, std::uint32_t iterations) {
  const std::optional<UserRow> user = txn.user(user_id);
  if (!user) throw Error(ErrorCode::not_found, "no user " + std::string(user_id));
  const std::optional<std::string> normal = normalised_login(login);
  if (!normal) {
    throw Error(ErrorCode::invalid_input,
                "a login is 1-64 of a-z, 0-9, '.', '_' and '-' (e.g. pat.manager)");
  }
  if (const auto taken = txn.password_by_login(user->tenant, *normal);
      taken && taken->user_id != user->id) {
    throw Error(ErrorCode::invalid_input,
                "the login " + *normal + " is another user's in " + user->tenant);
  }
  const PasswordRow login_row{user->id, user->tenant, *normal, {}, {}, 0, 0};
  put_hashed_password(txn, hashed_password(login_row, password, now_ms, iterations));
}

PasswordRow hashed_password(const PasswordRow& current, std::string_view password,
                            std::uint64_t now_ms, std::uint32_t iterations) {
  if (password.size() < kMinPasswordLength || password.size() > kMaxPasswordLength) {
    throw Error(ErrorCode::invalid_input, "a password has " + std::to_string(kMinPasswordLength) +
                                              " to " + std::to_string(kMaxPasswordLength) +
                                              " characters");
  }
  PasswordRow row{current.user_id, current.tenant, current.login, random_hex(kSaltBytes), {},
                  iterations,      now_ms};
  row.hash_hex = to_hex(pbkdf2(password, from_hex(row.salt_hex), iterations));
  return row;
}

void put_hashed_password(StoreTxn& txn, const PasswordRow& row) {
  txn.put_password(row);
  txn.delete_web_sessions_of(row.user_id);  // whoever knew the old password is signed out
}

bool password_matches(const PasswordRow& row, std::string_view password) {
  const std::vector<unsigned char> salt = from_hex(row.salt_hex);
  const std::vector<unsigned char> expected = from_hex(row.hash_hex);
  if (expected.size() != kHashBytes || password.size() > kMaxPasswordLength) {
    // Still pays for a hash: a refusal takes as long whatever the reason.
    pbkdf2(password.substr(0, kMaxPasswordLength), salt, row.iterations);
    return false;
  }
  const std::vector<unsigned char> actual = pbkdf2(password, salt, row.iterations);
  return CRYPTO_memcmp(actual.data(), expected.data(), kHashBytes) == 0;
}

const PasswordRow& decoy_password() {
  // A hash of nothing anyone can type: 32 bytes no PBKDF2 output is known to give.
  static const PasswordRow decoy{"",
                                 "",
                                 "",
                                 std::string(kSaltBytes * 2, '0'),
                                 std::string(kHashBytes * 2, '0'),
                                 kPasswordIterations,
                                 0};
  return decoy;
}

std::optional<SignInCandidate> find_sign_in(StoreTxn& txn, std::string_view tenant,
                                            std::string_view login) {
  const std::optional<std::string> normal = normalised_login(login);
  if (!normal) return std::nullopt;
  std::optional<PasswordRow> password = txn.password_by_login(tenant, *normal);
  if (!password) return std::nullopt;
  std::optional<UserRow> user = txn.user(password->user_id);
  if (!user) return std::nullopt;
  return SignInCandidate{std::move(*password), std::move(*user)};
}

bool may_use_dashboard(const UserRow& user) noexcept {
  return user.role == Role::manager || user.role == Role::admin;
}

std::string start_web_session(StoreTxn& txn, const UserRow& user, std::uint64_t now_ms) {
  txn.delete_web_sessions_expired(now_ms);
  const std::string token = new_device_token();
  txn.put_web_session(
      {sha256_hex(token), user.id, user.tenant, now_ms, now_ms + kWebSessionLifetimeMs});
  return token;
}

std::optional<UserRow> web_session_user(StoreTxn& txn, std::string_view token,
                                        std::uint64_t now_ms) {
  if (token.empty()) return std::nullopt;
  const std::optional<WebSessionRow> session = txn.web_session(sha256_hex(token));
  if (!session || session->expires_ms <= now_ms) return std::nullopt;
  std::optional<UserRow> user = txn.user(session->user_id);
  if (!user || user->tenant != session->tenant || !may_use_dashboard(*user)) return std::nullopt;
  return user;
}

std::optional<std::string> end_web_session(StoreTxn& txn, std::string_view token) {
  if (token.empty()) return std::nullopt;
  const std::string hash = sha256_hex(token);
  const std::optional<WebSessionRow> session = txn.web_session(hash);
  if (!session) return std::nullopt;
  txn.delete_web_session(hash);
  return session->user_id;
}

}  // namespace iro::server
