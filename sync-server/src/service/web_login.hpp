// Signing in to the managers' web pages: a password per user, set
// by an administrator (`iro-server admin set-password`), kept as
// PBKDF2-HMAC-SHA256 with a random salt; a signed-in browser holds a random
// token in an HttpOnly cookie, of which the store keeps only the SHA-256.
// Sessions live in the store, not in one process, so any node behind a load
// balancer accepts them, and a password change or a sign-out ends them at once.
//
// Only managers and administrators may use the pages: an IRO works on the
// device, which holds just their own children.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/server_store.hpp"

namespace iro::server {

// OWASP's figure for PBKDF2-HMAC-SHA256 (2023): about 0.25 s of one core here.
inline constexpr std::uint32_t kPasswordIterations = 600'000;
inline constexpr std::size_t kMinPasswordLength = 12;
inline constexpr std::size_t kMaxPasswordLength = 256;
// A working day: a browser left signed in overnight is signed out.
inline constexpr std::uint64_t kWebSessionLifetimeMs = 8ull * 60 * 60 * 1000;

// A login is 1-64 of a-z, 0-9, '.', '_' and '-', compared in lower case:
// the login in lower case, or nullopt when it is not one.
std::optional<std::string> normalised_login(std::string_view login);

// Sets or replaces the user's password and login, and ends every browser
// session of theirs. Throws Error(not_found) for an unknown user, and
// Error(invalid_input) for a bad login, a login another user of the council
// has, or a password shorter than kMinPasswordLength or longer than
// kMaxPasswordLength. `iterations`: tests use fewer.
void set_password(StoreTxn& txn, std::string_view user_id, std::string_view login,
                  std::string_view password, std::uint64_t now_ms,
                  std::uint32_t iterations = kPasswordIterations);

// set_password in two halves, for a manager changing their own password on
// the web pages: the hashing (slow by design: run it off the committer and
// the IO threads) gives the row to store, and throws Error(invalid_input)
// for a password of the wrong length...
PasswordRow hashed_password(const PasswordRow& current, std::string_view password,
                            std::uint64_t now_ms, std::uint32_t iterations = kPasswordIterations);
// ... then, in the write, the row replaces the user's and every browser
// session of theirs ends.
void put_hashed_password(StoreTxn& txn, const PasswordRow& row);

// The PBKDF2 check, slow by design: run it off the threads devices share.
// Compares in constant time.
bool password_matches(const PasswordRow& row, std::string_view password);

// A row no password matches, checked when a login is unknown so that the
// answer takes as long as for a known one (no telling which logins exist).
const PasswordRow& decoy_password();

struct SignInCandidate {
  PasswordRow password;
  UserRow user;
};
// The password row of a login in a council, with its user; nullopt when the
// council has no such login.
std::optional<SignInCandidate> find_sign_in(StoreTxn& txn, std::string_view tenant,
                                            std::string_view login);

// Managers and administrators.
bool may_use_dashboard(const UserRow& user) noexcept;

// Starts a browser session for the user, clearing expired ones; returns the
// token for its cookie.
std::string start_web_session(StoreTxn& txn, const UserRow& user, std::uint64_t now_ms);

// The user a cookie's token signs in: nullopt when the session is unknown,
// expired, or its user may no longer use the pages.
std::optional<UserRow> web_session_user(StoreTxn& txn, std::string_view token,
                                        std::uint64_t now_ms);

// Returns the user the session was for, if it existed.
std::optional<std::string> end_web_session(StoreTxn& txn, std::string_view token);

}  // namespace iro::server
