// A group commit on a real store (either engine): jobs that succeed are committed
// together, once each; a job that throws is undone alone, whatever it wrote
// before throwing.
#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "iro/error.hpp"
#include "server/test_store.hpp"
#include "support/temp_dir.hpp"

using namespace iro;
using namespace iro::server;

namespace {

AuditRow audit_entry(const char* action) {
  AuditRow row;
  row.time_ms = 1;
  row.actor = "admin";
  row.action = action;
  row.outcome = "ok";
  return row;
}

// A change as the server records it; a second row with the same device and
// device_seq breaks history's idempotency index.
HistoryRow history_entry(const char* device, std::uint64_t device_seq) {
  HistoryRow row;
  row.tenant = "shire";
  row.change.doc_id = "doc-1";
  row.change.child_id = "C-1";
  row.change.field = "note";
  row.change.value = std::string("Seen at school");
  row.change.device_id = device;
  row.change.device_seq = device_seq;
  row.device_seq = device_seq;
  row.received_ms = 1;
  return row;
}

std::vector<std::string> actions(ServerStore& store) {
  std::vector<std::string> found;
  store.read([&](StoreTxn& txn) {
    for (const AuditRow& row : txn.audit_log({})) found.push_back(row.action);
  });
  return found;
}

}  // namespace

TEST_CASE("a group commit keeps every job that succeeded once, and undoes a failed one alone") {
  test::TempDir dir;
  auto store = test::open_test_store(dir.path());
  const std::vector<ServerStore::Job> jobs = {
      [](StoreTxn& txn) {
        txn.insert_tenant("shire", 1);
        txn.append_audit(audit_entry("first"));
      },
      [](StoreTxn& txn) {
        txn.insert_tenant("vale", 1);
        txn.append_audit(audit_entry("failed"));
        throw std::runtime_error("disk says no");
      },
      [](StoreTxn& txn) { txn.append_audit(audit_entry("third")); },
  };
  const BatchOutcome outcome = store->write_batch(jobs);
  REQUIRE(outcome.failures.size() == 3);
  CHECK_FALSE(outcome.failures[0]);
  CHECK(outcome.failures[1]);
  CHECK_FALSE(outcome.failures[2]);
  CHECK(actions(*store) == std::vector<std::string>{"first", "third"});
  store->read([](StoreTxn& txn) {
    CHECK(txn.tenant_exists("shire"));
    CHECK_FALSE(txn.tenant_exists("vale"));
  });
}

TEST_CASE("a group commit in which nothing fails commits every job once") {
  test::TempDir dir;
  auto store = test::open_test_store(dir.path());
  int runs = 0;
  const std::vector<ServerStore::Job> jobs = {
      [&](StoreTxn& txn) {
        ++runs;
        txn.append_audit(audit_entry("one"));
      },
      [&](StoreTxn& txn) {
        ++runs;
        txn.append_audit(audit_entry("two"));
      },
  };
  const BatchOutcome outcome = store->write_batch(jobs);
  CHECK(outcome.failures == std::vector<std::exception_ptr>(2));
  CHECK(runs == 2);
  CHECK(actions(*store) == std::vector<std::string>{"one", "two"});
}

TEST_CASE("sequence numbers stay gap-free and survive reopening when a job of a batch fails") {
  test::TempDir dir;
  std::vector<std::uint64_t> handed_out;
  {
    auto store = test::open_test_store(dir.path());
    const std::vector<ServerStore::Job> jobs = {
        [&](StoreTxn& txn) { handed_out.push_back(txn.next_seq()); },
        [&](StoreTxn& txn) {
          txn.next_seq();
          txn.next_seq();
          throw std::runtime_error("disk says no");
        },
        [&](StoreTxn& txn) { handed_out.push_back(txn.next_seq()); },
    };
    store->write_batch(jobs);
    store->write([&](StoreTxn& txn) { handed_out.push_back(txn.next_seq()); });
  }
  // Run twice (all or nothing, then each in a savepoint), the batch keeps
  // the numbers of its second run only: 1 and 2, then the write after it 3.
  auto reopened = test::open_test_store(dir.path());
  reopened->read([](StoreTxn& txn) { CHECK(txn.head_seq() == 3); });
  reopened->write([](StoreTxn& txn) { CHECK(txn.next_seq() == 4); });
  CHECK(std::vector(handed_out.end() - 3, handed_out.end()) == std::vector<std::uint64_t>{1, 2, 3});
}

// PostgreSQL sends a job's writes ahead without waiting for each answer:
// a write the database refuses must still fail its own job, not the next
// one, nor the commit, even when nothing in the job reads after it.
TEST_CASE("a job whose last write the store refuses fails alone, and the jobs around it are kept") {
  test::TempDir dir;
  auto store = test::open_test_store(dir.path());
  store->write([](StoreTxn& txn) {
    txn.insert_tenant("shire", 1);
    txn.append_history(history_entry("tablet-1", 1));
  });
  const std::vector<ServerStore::Job> jobs = {
      [](StoreTxn& txn) {
        txn.append_audit(audit_entry("first"));
        txn.append_history(history_entry("tablet-1", 2));
      },
      [](StoreTxn& txn) {
        txn.append_audit(audit_entry("failed"));
        txn.append_history(history_entry("tablet-1", 1));  // already there
      },
      [](StoreTxn& txn) {
        // More writes than PostgreSQL's engine sends before waiting for answers.
        for (int i = 0; i < 600; ++i) txn.append_audit(audit_entry("third"));
      },
  };
  const BatchOutcome outcome = store->write_batch(jobs);
  REQUIRE(outcome.failures.size() == 3);
  CHECK_FALSE(outcome.failures[0]);
  CHECK(outcome.failures[1]);
  CHECK_FALSE(outcome.failures[2]);
  const std::vector<std::string> kept = actions(*store);
  REQUIRE(kept.size() == 601);
  CHECK(kept.front() == "first");
  CHECK(std::count(kept.begin(), kept.end(), "third") == 600);
  store->read([](StoreTxn& txn) {
    CHECK(txn.history_for("tablet-1", 1).has_value());
    CHECK(txn.history_for("tablet-1", 2).has_value());
  });

  // A single write fails the same way, and leaves nothing behind.
  CHECK_THROWS_AS(store->write([](StoreTxn& txn) {
    txn.append_audit(audit_entry("lone"));
    txn.append_history(history_entry("tablet-1", 2));
  }),
                  Error);
  CHECK(actions(*store).size() == 601);
  // The store goes on: the next write commits.
  store->write([](StoreTxn& txn) { txn.append_history(history_entry("tablet-1", 3)); });
  store->read([](StoreTxn& txn) { CHECK(txn.history_for("tablet-1", 3).has_value()); });
}
