// What only the PostgreSQL engine has: several nodes (here, two stores in
// one process, each with its own connections, as two iro-server processes
// would have) on one database. Writes are serialized across them, so
// sequence numbers follow commit order; a commit on one reaches the other's
// watch; a node whose connections break connects again. Linked into the
// PostgreSQL run of the server suite only.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "server/test_store.hpp"
#include "support/temp_dir.hpp"

using namespace iro;
using namespace iro::server;

namespace {

// A field row of a council record, enough to move the council's feed.
void write_field(StoreTxn& txn, const std::string& tenant, const std::string& doc_id) {
  const DocumentRow document{doc_id, tenant, Kind::form_template, "", false};
  txn.put_document(document);
  txn.put_field(document, "title",
                FieldRow{std::string("Template"), Hlc{1}, "server", txn.next_seq()});
}

}  // namespace

TEST_CASE("a second node's write waits for the first's commit: sequence numbers follow commits") {
  test::TempDir dir;
  auto node_a = test::open_test_store(dir.path());
  auto node_b = test::open_test_store(dir.path());  // the same schema: another node
  node_a->write([](StoreTxn& txn) { txn.insert_tenant("shire", 1); });

  // Node A takes a number and holds its transaction open until told.
  std::mutex lock;
  std::condition_variable changed;
  bool a_has_number = false;
  bool a_may_commit = false;
  std::uint64_t a_seq = 0;
  auto a_done = std::async(std::launch::async, [&] {
    node_a->write([&](StoreTxn& txn) {
      write_field(txn, "shire", "doc-a");
      a_seq = txn.head_seq();
      std::unique_lock<std::mutex> hold(lock);
      a_has_number = true;
      changed.notify_all();
      changed.wait_for(hold, std::chrono::seconds(10), [&] { return a_may_commit; });
    });
  });
  {
    std::unique_lock<std::mutex> hold(lock);
    REQUIRE(changed.wait_for(hold, std::chrono::seconds(10), [&] { return a_has_number; }));
  }
  // Node B's write starts now, and cannot take a number until A commits.
  std::uint64_t b_seq = 0;
  auto b_done = std::async(std::launch::async, [&] {
    node_b->write([&](StoreTxn& txn) {
      write_field(txn, "shire", "doc-b");
      b_seq = txn.head_seq();
    });
  });
  CHECK(b_done.wait_for(std::chrono::milliseconds(300)) == std::future_status::timeout);
  {
    std::lock_guard<std::mutex> hold(lock);
    a_may_commit = true;
  }
  changed.notify_all();
  a_done.get();
  REQUIRE(b_done.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  b_done.get();
  CHECK(a_seq == 1);
  CHECK(b_seq == 2);
  // Whichever node a device reads from, the feed is the same.
  node_b->read([](StoreTxn& txn) { CHECK(txn.head_seq() == 2); });
  node_a->read([](StoreTxn& txn) { CHECK(txn.head_seq() == 2); });
}

TEST_CASE("many writes from two nodes at once get every sequence number once, none skipped") {
  test::TempDir dir;
  auto node_a = test::open_test_store(dir.path());
  auto node_b = test::open_test_store(dir.path());
  node_a->write([](StoreTxn& txn) { txn.insert_tenant("shire", 1); });
  constexpr int kWritesEach = 40;
  const auto writer = [](ServerStore& node, const std::string& name) {
    for (int i = 0; i < kWritesEach; ++i) {
      node.write([&](StoreTxn& txn) { write_field(txn, "shire", name + std::to_string(i)); });
    }
  };
  std::thread a(writer, std::ref(*node_a), "a-");
  std::thread b(writer, std::ref(*node_b), "b-");
  a.join();
  b.join();
  std::set<std::uint64_t> seqs;
  node_a->read([&](StoreTxn& txn) {
    CHECK(txn.head_seq() == 2 * kWritesEach);
    const Changes page =
        txn.pull_page({"manager-device", "manager", "shire", Role::manager}, 0, 1000);
    for (const ChangeEntry& entry : page.entries) seqs.insert(entry.server_seq);
  });
  CHECK(seqs.size() == 2 * kWritesEach);
  CHECK(*seqs.begin() == 1);
  CHECK(*seqs.rbegin() == 2 * kWritesEach);
}

TEST_CASE("a commit on one node reaches the other node's watch, not its own") {
  test::TempDir dir;
  auto node_a = test::open_test_store(dir.path());
  auto node_b = test::open_test_store(dir.path());
  std::mutex lock;
  std::condition_variable arrived;
  std::vector<std::string> seen_by_a;
  std::vector<std::string> seen_by_b;
  const auto watch_a = node_a->watch_other_commits([&](const std::vector<std::string>& tenants) {
    std::lock_guard<std::mutex> hold(lock);
    seen_by_a.insert(seen_by_a.end(), tenants.begin(), tenants.end());
    arrived.notify_all();
  });
  const auto watch_b = node_b->watch_other_commits([&](const std::vector<std::string>& tenants) {
    std::lock_guard<std::mutex> hold(lock);
    seen_by_b.insert(seen_by_b.end(), tenants.begin(), tenants.end());
    arrived.notify_all();
  });
  REQUIRE(watch_a);
  REQUIRE(watch_b);
  node_a->write([](StoreTxn& txn) {
    txn.insert_tenant("shire", 1);
    txn.insert_tenant("vale", 1);
  });
  node_a->write([](StoreTxn& txn) { write_field(txn, "vale", "doc-v"); });
  std::unique_lock<std::mutex> hold(lock);
  REQUIRE(arrived.wait_for(hold, std::chrono::seconds(10), [&] { return !seen_by_b.empty(); }));
  CHECK(seen_by_b == std::vector<std::string>{"vale"});  // the tenants alone moved no feed
  // Node A's own sessions were woken at its commit; its watch stays quiet.
  arrived.wait_for(hold, std::chrono::milliseconds(500), [&] { return !seen_by_a.empty(); });
  CHECK(seen_by_a.empty());
}

TEST_CASE("a node whose connections the database ended writes, reads and watches again") {
  test::TempDir dir;
  auto node_a = test::open_test_store(dir.path());
  auto node_b = test::open_test_store(dir.path());
  node_a->write([](StoreTxn& txn) { txn.insert_tenant("shire", 1); });
  node_a->read([](StoreTxn& txn) { CHECK(txn.tenant_exists("shire")); });
  std::mutex lock;
  std::condition_variable arrived;
  std::vector<std::string> seen_by_a;
  const auto watch_a = node_a->watch_other_commits([&](const std::vector<std::string>& tenants) {
    std::lock_guard<std::mutex> hold(lock);
    seen_by_a.insert(seen_by_a.end(), tenants.begin(), tenants.end());
    arrived.notify_all();
  });

  // What a database restart or failover does to a node's connections (the
  // store's connections carry the test schema as their application name).
  // The statement's own connection shares it and is spared.
  const std::int64_t ended = test::query_test_store(
      dir.path(),
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
      "WHERE application_name = current_schema() AND pid <> pg_backend_pid()");
  REQUIRE(ended >= 4);  // both writers, a reader, the listener

  // The first write after it is not failed by the dead connection.
  node_a->write([](StoreTxn& txn) { write_field(txn, "shire", "doc-after"); });
  node_a->read([](StoreTxn& txn) { CHECK(txn.head_seq() == 1); });
  // The listener connects again (within its retry pause) and hears node B.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::unique_lock<std::mutex> hold(lock);
  while (seen_by_a.empty() && std::chrono::steady_clock::now() < deadline) {
    hold.unlock();
    node_b->write([](StoreTxn& txn) { write_field(txn, "shire", "doc-b"); });
    hold.lock();
    arrived.wait_for(hold, std::chrono::milliseconds(300), [&] { return !seen_by_a.empty(); });
  }
  REQUIRE_FALSE(seen_by_a.empty());
  CHECK(seen_by_a.front() == "shire");
}
