#include "service/metrics.hpp"

#include <cstdio>
#include <sstream>

namespace iro::server {
namespace {

constexpr std::array<const char*, 4> kOutcomeNames = {"accepted", "merged", "conflict", "refused"};

// A number as Prometheus reads it ("0.0025", "12").
std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

void describe(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

}  // namespace

void Metrics::count_push(std::span<const PushResult> results, std::uint64_t now_ms) {
  for (const PushResult& result : results) {
    const auto outcome = static_cast<std::size_t>(result.outcome);
    if (outcome < m_changes.size()) ++m_changes[outcome];
  }
  const std::uint64_t second = now_ms / 1000;
  std::lock_guard<std::mutex> hold(m_lock);
  Second& slot = m_seconds[second % kRateWindowSeconds];
  if (slot.second != second) slot = {second, 0};
  slot.changes += results.size();
}

void Metrics::count_refused_session() {
  ++m_refused_sessions;
}

void Metrics::count_commit(std::chrono::nanoseconds took, std::size_t jobs) {
  m_committed_jobs += jobs;
  const double seconds = std::chrono::duration<double>(took).count();
  std::lock_guard<std::mutex> hold(m_lock);
  ++m_commits;
  m_commit_seconds += seconds;
  for (std::size_t i = 0; i < kCommitBuckets.size(); ++i) {
    if (seconds <= kCommitBuckets[i]) ++m_commit_buckets[i];  // cumulative, as Prometheus counts
  }
}

double Metrics::changes_per_second(std::uint64_t now_ms) const {
  // The window's full seconds: the current one is still filling.
  const std::uint64_t now = now_ms / 1000;
  std::uint64_t changes = 0;
  for (const Second& slot : m_seconds) {
    if (slot.second < now && slot.second + kRateWindowSeconds >= now) changes += slot.changes;
  }
  return double(changes) / double(kRateWindowSeconds);
}

std::string Metrics::prometheus_text(int open_sessions, std::uint64_t now_ms) const {
  std::ostringstream out;
  describe(out, "iro_sessions_open", "gauge", "Device sessions (WebSocket) open now.");
  out << "iro_sessions_open " << open_sessions << '\n';
  describe(out, "iro_changes_total", "counter", "Pushed changes acknowledged, by outcome.");
  for (std::size_t i = 0; i < m_changes.size(); ++i) {
    out << "iro_changes_total{outcome=\"" << kOutcomeNames[i] << "\"} " << m_changes[i].load()
        << '\n';
  }
  describe(out, "iro_merge_conflicts_total", "counter",
           "Pushed text kept as a conflict beside the server's (no words lost).");
  out << "iro_merge_conflicts_total " << m_changes[std::size_t(PushOutcome::conflict)].load()
      << '\n';
  describe(out, "iro_refusals_total", "counter",
           "Refusals: pushed changes the server refused, and sessions refused.");
  out << "iro_refusals_total{what=\"change\"} "
      << m_changes[std::size_t(PushOutcome::refused)].load() << '\n';
  out << "iro_refusals_total{what=\"session\"} " << m_refused_sessions.load() << '\n';
  describe(out, "iro_commit_jobs_total", "counter", "Jobs (pushes, enrolments...) committed.");
  out << "iro_commit_jobs_total " << m_committed_jobs.load() << '\n';

  std::lock_guard<std::mutex> hold(m_lock);
  describe(out, "iro_changes_per_second", "gauge",
           "Pushed changes acknowledged a second, over the last minute.");
  out << "iro_changes_per_second " << number(changes_per_second(now_ms)) << '\n';
  describe(out, "iro_commit_duration_seconds", "histogram",
           "Time each group commit took (one transaction, one fsync).");
  for (std::size_t i = 0; i < kCommitBuckets.size(); ++i) {
    out << "iro_commit_duration_seconds_bucket{le=\"" << number(kCommitBuckets[i]) << "\"} "
        << m_commit_buckets[i] << '\n';
  }
  out << "iro_commit_duration_seconds_bucket{le=\"+Inf\"} " << m_commits << '\n';
  out << "iro_commit_duration_seconds_sum " << number(m_commit_seconds) << '\n';
  out << "iro_commit_duration_seconds_count " << m_commits << '\n';
  return out.str();
}

}  // namespace iro::server
