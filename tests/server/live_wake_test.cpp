// Who is woken after a commit: the commit queue names the councils whose
// feed moved (from what the transaction wrote, on a real SQLite store), and
// the hub wakes only the live sessions of those councils.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/server_fixture.hpp"
#include "service/caseload.hpp"
#include "service/hub.hpp"
#include "service/reconcile.hpp"
#include "store/commit_queue.hpp"

using namespace iro;
using namespace iro::server;

namespace {

class CountingSession final : public LiveSession {
 public:
  void on_store_changed() override { ++wakes; }
  void shut_down() override { ++shut_downs; }
  std::atomic<int> wakes{0};
  std::atomic<int> shut_downs{0};
};

// Runs jobs through a real commit queue and collects what it reports.
class CommitRecorder {
 public:
  explicit CommitRecorder(ServerStore& store)
      : m_commits(store, [this](const std::vector<std::string>& tenants) {
          std::lock_guard<std::mutex> hold(m_lock);
          m_reports.push_back(tenants);
        }) {}

  // Submits and waits for the job's commit (and its report, which comes
  // right after the done callbacks on the committer thread).
  std::vector<std::vector<std::string>> run(ServerStore::Job job) {
    std::mutex done_lock;
    std::condition_variable done_signal;
    bool done = false;
    m_commits.submit(std::move(job), [&](std::exception_ptr) {
      std::lock_guard<std::mutex> hold(done_lock);
      done = true;
      done_signal.notify_one();
    });
    {
      std::unique_lock<std::mutex> hold(done_lock);
      REQUIRE(done_signal.wait_for(hold, std::chrono::seconds(10), [&] { return done; }));
    }
    m_commits.stop();  // the report is made before the thread can stop
    std::lock_guard<std::mutex> hold(m_lock);
    return m_reports;
  }

 private:
  std::mutex m_lock;
  std::vector<std::vector<std::string>> m_reports;
  CommitQueue m_commits;
};

}  // namespace

TEST_CASE("the hub wakes the live sessions of the councils named, and no one else") {
  Hub hub;
  auto shire_ann = std::make_shared<CountingSession>();
  auto shire_bob = std::make_shared<CountingSession>();
  auto vale_cat = std::make_shared<CountingSession>();
  auto not_yet_live = std::make_shared<CountingSession>();
  for (const auto& session : {shire_ann, shire_bob, vale_cat, not_yet_live}) hub.join(session);
  hub.went_live(shire_ann.get(), "shire");
  hub.went_live(shire_bob.get(), "shire");
  hub.went_live(vale_cat.get(), "vale");

  const std::vector<std::string> shire{"shire"};
  hub.notify(shire);
  CHECK(shire_ann->wakes == 1);
  CHECK(shire_bob->wakes == 1);
  CHECK(vale_cat->wakes == 0);
  CHECK(not_yet_live->wakes == 0);

  const std::vector<std::string> both{"shire", "vale"};
  hub.notify(both);
  CHECK(shire_ann->wakes == 2);
  CHECK(vale_cat->wakes == 1);

  hub.notify_all();  // another process committed: every live session looks
  CHECK(shire_bob->wakes == 3);
  CHECK(vale_cat->wakes == 2);
  CHECK(not_yet_live->wakes == 0);

  hub.leave(shire_bob.get());
  hub.notify(shire);
  CHECK(shire_ann->wakes == 4);
  CHECK(shire_bob->wakes == 3);

  hub.shut_down_all();  // a stop reaches sessions still catching up too
  CHECK(not_yet_live->shut_downs == 1);
  CHECK(vale_cat->shut_downs == 1);
  CHECK(shire_bob->shut_downs == 0);
}

TEST_CASE("a commit names the councils whose feed it moved: a push, an allocation, not an audit") {
  test::Council council;

  SUBCASE("a push names its council") {
    CommitRecorder recorder(*council.store);
    const Change note = test::set_field(council.new_id(), Kind::visit, "C1", "note",
                                        test::text("Seen at school"), council.at(), 0);
    const auto reports = recorder.run([&](StoreTxn& txn) {
      TxnClock clock(txn, council.clock);
      apply_push(txn, council.ann_laptop, std::vector<Change>{note}, clock, {.remote = "test"});
    });
    REQUIRE(reports.size() == 1);
    CHECK(reports[0] == std::vector<std::string>{"shire"});
  }
  SUBCASE("an allocation names its council") {
    CommitRecorder recorder(*council.store);
    const auto reports = recorder.run([&](StoreTxn& txn) {
      TxnClock clock(txn, council.clock);
      allocate_child(txn, "V1", council.val, clock);  // already Val's: nothing moves
      allocate_child(txn, "C2", council.ann, clock);
    });
    REQUIRE(reports.size() == 1);
    CHECK(reports[0] == std::vector<std::string>{"shire"});
  }
  SUBCASE("an audit entry alone wakes nobody") {
    CommitRecorder recorder(*council.store);
    const auto reports = recorder.run([&](StoreTxn& txn) {
      AuditRow row;
      row.time_ms = 1;
      row.actor = "admin";
      row.action = "test";
      row.outcome = "ok";
      txn.append_audit(row);
    });
    CHECK(reports.empty());
  }
}
