// The server's counters for operators, served at /metrics in Prometheus's
// text format (service/http_routes.hpp): sessions, changes by outcome and
// per second, merge conflicts, refusals, group-commit latency. Counts only:
// no child, user, record or device is named, so whoever watches the server
// sees its health and nothing personal. Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>

#include "iro/protocol.hpp"

namespace iro::server {

class Metrics {
 public:
  // A push's acknowledged results, counted by outcome.
  void count_push(std::span<const PushResult> results, std::uint64_t now_ms);
  // A session refused (bad token, revoked device, malformed frame...).
  void count_refused_session();
  // One group commit of `jobs` jobs that took `took`.
  void count_commit(std::chrono::nanoseconds took, std::size_t jobs);

  // Everything, in Prometheus's text exposition format (version 0.0.4).
  // `open_sessions`: device sessions open now (the caller's gauge).
  std::string prometheus_text(int open_sessions, std::uint64_t now_ms) const;

  // Upper bounds of the commit latency histogram's buckets, in seconds.
  static constexpr std::array<double, 11> kCommitBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                            0.1,   0.25,   0.5,   1.0,  2.5};
  // The window iro_changes_per_second averages over.
  static constexpr std::uint64_t kRateWindowSeconds = 60;

 private:
  // Changes received in each of the last kRateWindowSeconds seconds.
  struct Second {
    std::uint64_t second = 0;
    std::uint64_t changes = 0;
  };
  double changes_per_second(std::uint64_t now_ms) const;

  std::array<std::atomic<std::uint64_t>, 4> m_changes{};  // by PushOutcome
  std::atomic<std::uint64_t> m_refused_sessions{0};
  std::atomic<std::uint64_t> m_committed_jobs{0};
  mutable std::mutex m_lock;  // the histogram (its count too) and the rate window
  std::uint64_t m_commits = 0;
  std::array<std::uint64_t, kCommitBuckets.size()> m_commit_buckets{};
  double m_commit_seconds = 0;
  std::array<Second, kRateWindowSeconds> m_seconds{};
};

}  // namespace iro::server
