// Group commit: sessions hand their write jobs (a push, an enrolment, a
// Hello's bookkeeping) to one committer thread, which runs everything queued
// in one transaction with one fsync, then reports to each job. Under load
// many devices share each fsync; an acknowledgement is only ever sent after
// the commit it acknowledges.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "service/metrics.hpp"
#include "store/server_store.hpp"

namespace iro::server {

class CommitQueue {
 public:
  using Done = std::function<void(std::exception_ptr failure)>;

  // `on_committed` runs on the committer thread after each commit that
  // moved some council's feed, with those councils, sorted (the hub tells
  // their live sessions to look for new changes).
  using Committed = std::function<void(const std::vector<std::string>& changed_tenants)>;
  // `metrics`: where each commit's latency is counted (null: nowhere).
  CommitQueue(ServerStore& store, Committed on_committed, Metrics* metrics = nullptr);
  ~CommitQueue();  // stop()
  CommitQueue(const CommitQueue&) = delete;
  CommitQueue& operator=(const CommitQueue&) = delete;

  // Queues a job. `done` runs on the committer thread once the job's
  // transaction committed (failure null) or failed (the job's or the
  // commit's exception). Thread-safe. After stop(), done receives a failure.
  void submit(ServerStore::Job job, Done done);

  // Commits what is queued, then stops the thread. Idempotent.
  void stop();

  // Jobs in one transaction at most: bounds the latency of the first in a batch.
  static constexpr std::size_t kMaxBatch = 256;

 private:
  struct Pending {
    ServerStore::Job job;
    Done done;
  };
  void run();

  ServerStore& m_store;
  Committed m_on_committed;
  Metrics* m_metrics;
  std::mutex m_lock;
  std::condition_variable m_wake;
  std::deque<Pending> m_pending;
  bool m_stopping = false;
  std::thread m_thread;
};

}  // namespace iro::server
