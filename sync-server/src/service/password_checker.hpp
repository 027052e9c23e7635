// Runs password checks (PBKDF2, a quarter of a second each by design) on one
// thread of their own, one at a time: the IO threads that carry devices'
// sessions and the committer never wait for one, and a flood of sign-in
// attempts costs at most one core.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "store/server_store.hpp"

namespace iro::server {

class PasswordChecker {
 public:
  PasswordChecker();
  ~PasswordChecker();  // stop()
  PasswordChecker(const PasswordChecker&) = delete;
  PasswordChecker& operator=(const PasswordChecker&) = delete;

  // `done(matches)` runs on the checker's thread.
  // After stop(), answered false at once.
  void check(PasswordRow row, std::string password, std::function<void(bool matches)> done);

  // Answers the checks still queued false, then ends the thread. Idempotent.
  void stop();

 private:
  struct Job {
    PasswordRow row;
    std::string password;
    std::function<void(bool)> done;
  };
  void run();

  std::mutex m_lock;
  std::condition_variable m_wake;
  std::deque<Job> m_jobs;
  bool m_stopping = false;
  std::thread m_thread;
};

}  // namespace iro::server
