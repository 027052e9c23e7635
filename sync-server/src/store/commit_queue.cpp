#include "store/commit_queue.hpp"

#include <chrono>
#include <stdexcept>
#include <vector>

namespace iro::server {

CommitQueue::CommitQueue(ServerStore& store, Committed on_committed, Metrics* metrics)
    : m_store(store),
      m_on_committed(std::move(on_committed)),
      m_metrics(metrics),
      m_thread([this] { run(); }) {}

CommitQueue::~CommitQueue() {
  stop();
}

void CommitQueue::submit(ServerStore::Job job, Done done) {
  {
    std::lock_guard<std::mutex> hold(m_lock);
    if (!m_stopping) {
      m_pending.push_back({std::move(job), std::move(done)});
      m_wake.notify_one();
      return;
    }
  }
  done(std::make_exception_ptr(std::runtime_error("the server is shutting down")));
}

void CommitQueue::stop() {
  {
    std::lock_guard<std::mutex> hold(m_lock);
    m_stopping = true;
    m_wake.notify_one();
  }
  if (m_thread.joinable()) m_thread.join();
}

void CommitQueue::run() {
  for (;;) {
    std::vector<Pending> batch;
    {
      std::unique_lock<std::mutex> hold(m_lock);
      m_wake.wait(hold, [this] { return m_stopping || !m_pending.empty(); });
      if (m_pending.empty()) return;  // stopping, and everything queued is done
      while (!m_pending.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(m_pending.front()));
        m_pending.pop_front();
      }
    }
    std::vector<ServerStore::Job> jobs;
    jobs.reserve(batch.size());
    for (Pending& pending : batch) jobs.push_back(std::move(pending.job));
    BatchOutcome outcome;
    const auto started = std::chrono::steady_clock::now();
    try {
      outcome = m_store.write_batch(jobs);
      if (m_metrics)
        m_metrics->count_commit(std::chrono::steady_clock::now() - started, jobs.size());
    } catch (...) {
      // The commit itself failed (disk full, I/O error): nothing in the batch holds.
      outcome.failures.assign(batch.size(), std::current_exception());
    }
    std::vector<std::exception_ptr>& failures = outcome.failures;
    bool any_committed = false;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      any_committed = any_committed || !failures[i];
      // Moved: the session that gets a failure owns it alone, so it is freed
      // on that session's strand, not raced for here.
      batch[i].done(std::move(failures[i]));
    }
    if (any_committed && !outcome.changed_tenants.empty() && m_on_committed) {
      m_on_committed(outcome.changed_tenants);
    }
  }
}

}  // namespace iro::server
