#include "service/password_checker.hpp"

#include "service/web_login.hpp"

namespace iro::server {

PasswordChecker::PasswordChecker(std::size_t max_queued)
    : m_max_queued(max_queued), m_thread([this] { run(); }) {}

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
  {
    std::unique_lock<std::mutex> hold(m_lock);
    if (!m_stopping) {
      if (m_jobs.size() >= m_max_queued) return false;
      m_jobs.push_back({std::move(row), std::move(password), std::move(done)});
      hold.unlock();
      m_wake.notify_one();
      return true;
    }
  }
  done(false);
  return true;
}

void PasswordChecker::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> hold(m_lock);
      m_wake.wait(hold, [this] { return m_stopping || !m_jobs.empty(); });
      if (m_jobs.empty()) return;
      job = std::move(m_jobs.front());
      m_jobs.pop_front();
      if (m_stopping) {
        hold.unlock();
        job.done(false);
        continue;
      }
    }
    bool matches = false;
    try {
      matches = password_matches(job.row, job.password);
    } catch (const std::exception&) {
      matches = false;  // a check that cannot run lets no one in
    }
    job.done(matches);
  }
}

}  // namespace iro::server
