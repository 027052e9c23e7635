// Runs password checks and hashes (PBKDF2, a quarter of a second each by design) on one
// thread of their own, one at a time: the IO threads that carry devices'
// sessions and the committer never wait for one, and a flood of sign-in
// attempts costs at most one core. The queue is bounded: attempts sent all
// at once (before any has failed, so before the per-address limit sees them)
// are turned away rather than queued for minutes ahead of everyone else's.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "store/server_store.hpp"

namespace iro::server {

class PasswordChecker {
 public:
  // At most `max_queued` checks waiting; the one running is not counted.
  explicit PasswordChecker(std::size_t max_queued = kMaxQueued);
  ~PasswordChecker();  // stop()
  PasswordChecker(const PasswordChecker&) = delete;
  PasswordChecker& operator=(const PasswordChecker&) = delete;

  // Queues a check: `done(matches)` runs on the checker's thread. False,
  // and `done` is never called, when the queue is full: busy, try again.
  // After stop(), answered false at once.
  bool check(PasswordRow row, std::string password, std::function<void(bool matches)> done);

  // Queues other slow work (a new password's hash) the same way:
  // `work(true)` runs on the checker's thread, `work(false)` instead once
  // stopped. False, and `work` is never called, when the queue is full.
  bool run(std::function<void(bool running)> work);

  // About eight seconds of checks.
  static constexpr std::size_t kMaxQueued = 32;

  // Answers the checks still queued false, then ends the thread. Idempotent.
  void stop();

 private:
  using Job = std::function<void(bool running)>;
  void work_through_queue();

  std::mutex m_lock;
  std::condition_variable m_wake;
  std::deque<Job> m_jobs;
  std::size_t m_max_queued;
  bool m_stopping = false;
  std::thread m_thread;
};

}  // namespace iro::server
