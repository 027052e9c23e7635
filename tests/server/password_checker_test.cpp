// Password checks on their own thread (service/password_checker.hpp): the
// right answers, a bounded queue, and nothing left waiting at a stop.
#include "service/password_checker.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>

#include "server/server_fixture.hpp"
#include "service/web_login.hpp"

using namespace iro::server;
using namespace std::chrono_literals;

namespace {

// A password row for "correct horse battery", at a few rounds.
PasswordRow row_of_password() {
  iro::test::Council council;
  council.store->write([&](StoreTxn& txn) {
    set_password(txn, council.meg, "meg", "correct horse battery", 0, 10);
  });
  std::optional<SignInCandidate> found;
  council.store->read([&](StoreTxn& txn) { found = find_sign_in(txn, "shire", "meg"); });
  REQUIRE(found);
  return found->password;
}

}  // namespace

TEST_CASE("checks answer on the checker's thread and a full queue turns the next away") {
  const PasswordRow row = row_of_password();
  PasswordChecker checker(2);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<bool> first;
  // The first check holds the thread until released; two more wait behind it.
  REQUIRE(checker.check(row, "correct horse battery", [&](bool matches) {
    first.set_value(matches);
    released.wait();
  }));
  REQUIRE(first.get_future().get());  // running now, so no longer queued
  std::atomic<int> answered{0};
  std::atomic<int> matched{0};
  const auto count = [&](bool matches) {
    matched += matches ? 1 : 0;
    ++answered;
  };
  CHECK(checker.check(row, "correct horse battery", count));
  CHECK(checker.check(row, "a wrong guess at it", count));
  CHECK_FALSE(checker.check(row, "correct horse battery", count));  // busy: turned away
  release.set_value();
  for (int waited = 0; answered < 2 && waited < 500; ++waited) std::this_thread::sleep_for(10ms);
  CHECK(answered == 2);
  CHECK(matched == 1);
  CHECK(checker.check(row, "correct horse battery", count));  // room again
}

TEST_CASE("a stop answers every check still queued, and refuses later ones at once") {
  const PasswordRow row = row_of_password();
  std::atomic<int> answered{0};
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  PasswordChecker checker(4);
  REQUIRE(checker.check(row, "correct horse battery", [&](bool) {
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();
  for (int i = 0; i < 3; ++i) {
    REQUIRE(checker.check(row, "correct horse battery", [&](bool) { ++answered; }));
  }
  // Checked or refused, depending on when the stop lands: never left unanswered.
  std::thread stopper([&] { checker.stop(); });
  release.set_value();
  stopper.join();
  CHECK(answered == 3);
  bool after_stop = true;
  CHECK(checker.check(row, "correct horse battery", [&](bool matches) { after_stop = matches; }));
  CHECK_FALSE(after_stop);
}

TEST_CASE("other slow work runs on the checker's thread, and a throw there stops nothing") {
  const PasswordRow row = row_of_password();
  PasswordChecker checker(4);
  std::promise<std::thread::id> ran_on;
  REQUIRE(checker.run([&](bool running) {
    CHECK(running);
    ran_on.set_value(std::this_thread::get_id());
    throw std::runtime_error("a hash that could not be made");
  }));
  CHECK(ran_on.get_future().get() != std::this_thread::get_id());
  // The thread survived the throw: the next check is answered.
  std::promise<bool> next;
  REQUIRE(
      checker.check(row, "correct horse battery", [&](bool matches) { next.set_value(matches); }));
  CHECK(next.get_future().get());
  checker.stop();
  bool running_after_stop = true;
  CHECK(checker.run([&](bool running) { running_after_stop = running; }));
  CHECK_FALSE(running_after_stop);
}
