#include "service/password_checker.hpp"

#include "service/web_login.hpp"

namespace iro::server {

PasswordChecker::PasswordChecker(std::size_t max_queued)
    : m_max_queued(max_queued), m_thread([this] { work_through_queue(); }) {}

PasswordChecker::~PasswordChecker() {
  stop();
}

void PasswordChecker::stop() {
  {
    std::lock_guard<std::mutex> hold(m_lock);
    m_stopping = true;
  }
  m_wake.notify_one();
  if (m_thread.joinable()) m_thread.join();
}

bool PasswordChecker::check(PasswordRow row, std::string password,
                            std::function<void(bool matches)> done) {
  return run(
      [row = std::move(row), password = std::move(password), done = std::move(done)](bool running) {
        bool matches = false;
        if (running) {
          try {
            matches = password_matches(row, password);
          } catch (const std::exception&) {
            matches = false;  // a check that cannot run lets no one in
          }
        }
        done(matches);
      });
}

bool PasswordChecker::run(std::function<void(bool running)> work) {
  {
    std::unique_lock<std::mutex> hold(m_lock);
    if (!m_stopping) {
      if (m_jobs.size() >= m_max_queued) return false;
      m_jobs.push_back(std::move(work));
      hold.unlock();
      m_wake.notify_one();
      return true;
    }
  }
  work(false);
  return true;
}

void PasswordChecker::work_through_queue() {
  for (;;) {
    Job job;
    bool stopping = false;
    {
      std::unique_lock<std::mutex> hold(m_lock);
      m_wake.wait(hold, [this] { return m_stopping || !m_jobs.empty(); });
      if (m_jobs.empty()) return;
      job = std::move(m_jobs.front());
      m_jobs.pop_front();
      stopping = m_stopping;
    }
    try {
      job(!stopping);
    } catch (...) {
      // Work answers its own failures; the thread goes on for the next.
    }
  }
}

}  // namespace iro::server
