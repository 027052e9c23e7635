// How both engines run ServerStore::write and write_batch: one place for
// the all-or-nothing fast path and for keeping sequence numbers gap-free
// when a job of a batch fails.
//
// `begin()` returns an engine's write transaction (a prvalue: it need not
// move), which has
//   txn()                     its StoreTxn (SqliteTxn or PgTxn)
//   check_job()               throws what the job's writes did not yet
//                             report (PostgreSQL sends writes ahead)
//   savepoint(), roll_back_to_savepoint(), release_savepoint()
//   commit()                  saves the txn's sequence, then commits
// and rolls back when destroyed uncommitted.
#pragma once

#include <exception>
#include <optional>
#include <span>
#include <vector>

#include "store/server_store.hpp"

namespace iro::server {

template <typename Begin>
void run_write(const ServerStore::Job& job, Begin begin) {
  auto write = begin();
  job(write.txn());
  write.check_job();
  write.commit();
}

namespace group_commit_detail {

template <typename Write>
BatchOutcome outcome_of(std::vector<std::exception_ptr> failures, Write& write) {
  const auto& tenants = write.txn().changed_tenants();
  return {std::move(failures), {tenants.begin(), tenants.end()}};
}

// The common case: no job fails, so none needs a savepoint of its own (a
// savepoint copies every page its job first touches into SQLite's undo log:
// a fifth of a storm's commit time). Nullopt, with nothing written, when a
// job threw. A failed commit is not a job's failure: it propagates.
template <typename Begin>
std::optional<BatchOutcome> write_all_or_nothing(std::span<const ServerStore::Job> jobs,
                                                 Begin& begin) {
  auto write = begin();
  for (const ServerStore::Job& job : jobs) {
    try {
      job(write.txn());
      write.check_job();
    } catch (...) {
      return std::nullopt;  // rolled back as `write` goes
    }
  }
  write.commit();
  return outcome_of(std::vector<std::exception_ptr>(jobs.size()), write);
}

// A job threw: run them all again, each in a savepoint, so the failure is
// undone alone. Before each savepoint the sequence is saved, and a
// rolled-back job's numbers are handed out again: no gap.
template <typename Begin>
BatchOutcome write_each_in_savepoint(std::span<const ServerStore::Job> jobs, Begin& begin) {
  std::vector<std::exception_ptr> failures(jobs.size());
  auto write = begin();
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    write.txn().save_sequence();
    write.savepoint();
    try {
      jobs[i](write.txn());
      write.check_job();
    } catch (...) {
      failures[i] = std::current_exception();
      write.roll_back_to_savepoint();
      write.txn().discard_unsaved_sequence();
    }
    write.release_savepoint();
  }
  write.commit();
  return outcome_of(std::move(failures), write);
}

}  // namespace group_commit_detail

template <typename Begin>
BatchOutcome run_write_batch(std::span<const ServerStore::Job> jobs, Begin begin) {
  if (auto outcome = group_commit_detail::write_all_or_nothing(jobs, begin)) {
    return std::move(*outcome);
  }
  return group_commit_detail::write_each_in_savepoint(jobs, begin);
}

}  // namespace iro::server
