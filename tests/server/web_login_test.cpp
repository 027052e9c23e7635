// Signing in to the managers' pages (service/web_login.hpp) on each engine:
// passwords as PBKDF2, logins per council, sessions kept as hashes that end
// at their time, at sign-out, and when the password changes; only managers
// and administrators may use the pages.
#include "service/web_login.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "iro/error.hpp"
#include "server/server_fixture.hpp"
#include "service/secrets.hpp"

using namespace iro;
using namespace iro::server;

namespace {

// Few rounds: the tests check the logic, not the cost.
constexpr std::uint32_t kTestIterations = 1000;
const std::string kPassword = "correct horse battery";

struct SignInRig : iro::test::Council {
  void set(const std::string& user, const std::string& login, const std::string& password) {
    store->write([&](StoreTxn& txn) {
      set_password(txn, user, login, password, clock.now_ms(), kTestIterations);
    });
  }
  std::optional<SignInCandidate> find(const std::string& tenant, const std::string& login) {
    std::optional<SignInCandidate> found;
    store->read([&](StoreTxn& txn) { found = find_sign_in(txn, tenant, login); });
    return found;
  }
  std::string start(const std::string& tenant, const std::string& login) {
    const auto found = find(tenant, login);
    REQUIRE(found);
    std::string token;
    store->write(
        [&](StoreTxn& txn) { token = start_web_session(txn, found->user, clock.now_ms()); });
    return token;
  }
  std::optional<UserRow> who(const std::string& token) {
    std::optional<UserRow> user;
    store->read([&](StoreTxn& txn) { user = web_session_user(txn, token, clock.now_ms()); });
    return user;
  }
};

}  // namespace

TEST_CASE("a password is kept as a salted PBKDF2 hash and matches only itself") {
  SignInRig rig;
  rig.set(rig.meg, "Meg.Manager", kPassword);
  const auto found = rig.find("shire", "MEG.manager");  // logins compare in lower case
  REQUIRE(found);
  CHECK(found->user.id == rig.meg);
  CHECK(found->password.login == "meg.manager");
  CHECK(found->password.iterations == kTestIterations);
  CHECK(found->password.hash_hex.size() == 64);
  CHECK(found->password.hash_hex.find(kPassword) == std::string::npos);
  CHECK(password_matches(found->password, kPassword));
  CHECK_FALSE(password_matches(found->password, kPassword + " "));
  CHECK_FALSE(password_matches(found->password, ""));
  CHECK_FALSE(password_matches(decoy_password(), ""));

  // The same password for another user: another salt, another hash.
  rig.set(rig.ann, "ann.iro", kPassword);
  CHECK(rig.find("shire", "ann.iro")->password.hash_hex != found->password.hash_hex);
  // Logins are per council: vale has no meg.manager.
  CHECK_FALSE(rig.find("vale", "meg.manager"));
  CHECK_FALSE(rig.find("shire", "no.one"));
  CHECK_FALSE(rig.find("shire", "not a login"));
}

TEST_CASE("set-password refuses an unknown user, a bad login, a taken login, a short password") {
  SignInRig rig;
  rig.set(rig.meg, "meg", kPassword);
  const auto refused = [&](const std::string& user, const std::string& login,
                           const std::string& password, ErrorCode code) {
    try {
      rig.set(user, login, password);
      FAIL("accepted");
    } catch (const Error& error) {
      CHECK(error.code() == code);
    }
  };
  refused("01890000-0000-7000-8000-0000000000ff", "nobody", kPassword, ErrorCode::not_found);
  refused(rig.ann, "ann iro", kPassword, ErrorCode::invalid_input);
  refused(rig.ann, "", kPassword, ErrorCode::invalid_input);
  refused(rig.ann, std::string(65, 'a'), kPassword, ErrorCode::invalid_input);
  refused(rig.ann, "MEG", kPassword, ErrorCode::invalid_input);  // Meg's, in any case
  refused(rig.ann, "ann", "eleven char", ErrorCode::invalid_input);
  refused(rig.ann, "ann", std::string(257, 'x'), ErrorCode::invalid_input);
  // Meg's login and password are as they were.
  CHECK(password_matches(rig.find("shire", "meg")->password, kPassword));
  // Another council may use the same login.
  rig.set(rig.val, "meg", kPassword);
  CHECK(rig.find("vale", "meg")->user.id == rig.val);
}

TEST_CASE("a browser session signs in its manager until it expires or is ended") {
  SignInRig rig;
  rig.set(rig.meg, "meg", kPassword);
  const std::string token = rig.start("shire", "meg");
  CHECK(token.size() == 64);
  REQUIRE(rig.who(token));
  CHECK(rig.who(token)->id == rig.meg);
  CHECK_FALSE(rig.who(""));
  std::string altered = token;
  altered.back() = altered.back() == '0' ? '1' : '0';  // one hex digit off
  CHECK_FALSE(rig.who(altered));
  // Only the hash is kept: the token itself is nowhere in the store.
  CHECK(rig.query_int("SELECT count(*) FROM web_session WHERE token_hash = '" + token + "'") == 0);
  CHECK(rig.query_int("SELECT count(*) FROM web_session WHERE token_hash = '" + sha256_hex(token) +
                      "'") == 1);

  // Eight hours on, it has expired; and the next sign-in clears it away.
  rig.clock.advance(kWebSessionLifetimeMs);
  CHECK_FALSE(rig.who(token));
  const std::string next = rig.start("shire", "meg");
  CHECK(rig.query_int("SELECT count(*) FROM web_session") == 1);

  // Signing out ends it at once.
  std::optional<std::string> ended;
  rig.store->write([&](StoreTxn& txn) { ended = end_web_session(txn, next); });
  CHECK(ended == rig.meg);
  CHECK_FALSE(rig.who(next));
  rig.store->write([&](StoreTxn& txn) { ended = end_web_session(txn, next); });
  CHECK_FALSE(ended);
}

TEST_CASE("a new password signs out every browser of its user, and no one else's") {
  SignInRig rig;
  rig.set(rig.meg, "meg", kPassword);
  const std::string first = rig.start("shire", "meg");
  const std::string second = rig.start("shire", "meg");
  const std::string kim = rig.add_user("shire", "Kim Admin", Role::admin);
  rig.set(kim, "kim", kPassword);
  const std::string kims = rig.start("shire", "kim");
  rig.set(rig.meg, "meg", "a different passphrase");
  CHECK_FALSE(rig.who(first));
  CHECK_FALSE(rig.who(second));
  REQUIRE(rig.who(kims));
  CHECK(rig.who(kims)->id == kim);
  CHECK_FALSE(password_matches(rig.find("shire", "meg")->password, kPassword));
  CHECK(password_matches(rig.find("shire", "meg")->password, "a different passphrase"));
}

TEST_CASE("a password changed in two halves keeps the login and ends the user's sessions") {
  SignInRig rig;
  rig.set(rig.meg, "meg", kPassword);
  const std::string before = rig.start("shire", "meg");
  std::optional<PasswordRow> current;
  rig.store->read([&](StoreTxn& txn) { current = txn.password_of_user(rig.meg); });
  REQUIRE(current);
  CHECK(current->login == "meg");
  rig.store->read([&](StoreTxn& txn) { CHECK_FALSE(txn.password_of_user("no-such-user")); });

  CHECK_THROWS_AS(hashed_password(*current, "short", 1, kTestIterations), Error);
  CHECK_THROWS_AS(
      hashed_password(*current, std::string(kMaxPasswordLength + 1, 'x'), 1, kTestIterations),
      Error);
  const PasswordRow next = hashed_password(*current, "a changed passphrase", 7, kTestIterations);
  CHECK(next.user_id == rig.meg);
  CHECK(next.login == "meg");
  CHECK(next.set_ms == 7);
  CHECK(next.salt_hex != current->salt_hex);
  CHECK(rig.who(before));  // nothing is stored until the write
  rig.store->write([&](StoreTxn& txn) { put_hashed_password(txn, next); });
  CHECK_FALSE(rig.who(before));
  const auto found = rig.find("shire", "meg");
  REQUIRE(found);
  CHECK(password_matches(found->password, "a changed passphrase"));
  CHECK_FALSE(password_matches(found->password, kPassword));
}

TEST_CASE("only managers and administrators may use the dashboard, even with a session") {
  SignInRig rig;
  rig.set(rig.ann, "ann", kPassword);
  const auto ann = rig.find("shire", "ann");
  REQUIRE(ann);
  CHECK_FALSE(may_use_dashboard(ann->user));
  // A session made for an IRO (it never is: sign-in refuses first) opens nothing.
  const std::string token = rig.start("shire", "ann");
  CHECK_FALSE(rig.who(token));
  rig.set(rig.meg, "meg", kPassword);
  CHECK(may_use_dashboard(rig.find("shire", "meg")->user));
}
