// Whole sync sessions without a network: core's device session on a real
// DeviceStore file talks to the server's ServerSession, on a real SQLite
// server store and commit queue, over an in-memory link. The test thread
// plays the WebSocket session's strand: it delivers frames both ways and
// runs the tasks the commit queue's thread posts back.
#include "service/server_session.hpp"

#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "iro/error.hpp"
#include "iro/json.hpp"
#include "iro/store.hpp"
#include "iro/sync_session.hpp"
#include "server/server_fixture.hpp"
#include "service/accounts.hpp"
#include "store/commit_queue.hpp"

using namespace iro;
using namespace iro::server;
using namespace std::chrono_literals;

namespace {

// Tasks posted from the committer thread, run on the test thread.
class TaskQueue {
 public:
  void post(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> hold(m_lock);
      m_tasks.push_back(std::move(task));
      ++m_posted;
    }
    m_ready.notify_one();
  }

  // Runs what has been posted, first waiting up to `wait` for something to
  // be. Returns how many tasks ran.
  std::size_t run(std::chrono::milliseconds wait) {
    std::deque<std::function<void()>> ready;
    {
      std::unique_lock<std::mutex> hold(m_lock);
      m_ready.wait_for(hold, wait, [this] { return !m_tasks.empty(); });
      ready.swap(m_tasks);
    }
    for (auto& task : ready) task();
    return ready.size();
  }

  std::size_t posted() {
    std::lock_guard<std::mutex> hold(m_lock);
    return m_posted;
  }

 private:
  std::mutex m_lock;
  std::condition_variable m_ready;
  std::deque<std::function<void()>> m_tasks;
  std::size_t m_posted = 0;
};

// The server's end of an in-memory connection.
class LoopbackLink final : public SessionLink {
 public:
  explicit LoopbackLink(TaskQueue& tasks) : m_tasks(tasks) {}

  void send(Bytes message) override { to_device.push_back(std::move(message)); }
  void close_after_sending() override { closing = true; }
  Poster poster() override {
    ++posters_handed_out;
    return [&tasks = m_tasks](std::function<void()> task) { tasks.post(std::move(task)); };
  }
  void resume_reading() override { reading = true; }
  void went_live(const DeviceIdentity&) override { live = true; }
  std::size_t queued_frames() const override { return to_device.size(); }

  std::deque<Bytes> to_device;
  bool reading = true;  // a new connection reads its first frame
  bool closing = false;
  bool live = false;
  std::size_t posters_handed_out = 0;  // one per commit the session started

 private:
  TaskQueue& m_tasks;
};

// What the device sent in one session.
struct Transcript {
  std::vector<Message> from_device;

  std::vector<Pull> pulls() const {
    std::vector<Pull> pulls;
    for (const Message& message : from_device) {
      if (const auto* pull = std::get_if<Pull>(&message)) pulls.push_back(*pull);
    }
    return pulls;
  }
};

// The device's end: takes one server frame and returns its replies.
using DeviceEnd = std::function<std::vector<Bytes>(std::span<const std::uint8_t>)>;

constexpr int kMaxSteps = 10'000;
constexpr auto kIdleWait = 20ms;
constexpr auto kMaxIdle = 10'000ms;

struct SyncRun {
  Transcript transcript;
  SyncState state = SyncState::greeting;
  SyncProgress progress;
  std::optional<Refused> refusal;
};

// Council "shire": IRO Ann holds C1 and C2, IRO Bob holds C3.
struct SyncRig : iro::test::ServerFixture {
  CommitQueue commits{*store, nullptr};
  std::string ann, bob;

  SyncRig() {
    // The sessions log every hello and refusal; the tests check them instead.
    spdlog::set_level(spdlog::level::off);
    add_tenant("shire");
    ann = add_user("shire", "Ann Iro");
    bob = add_user("shire", "Bob Iro");
    add_child("shire", "C1", ann);
    add_child("shire", "C2", ann);
    add_child("shire", "C3", bob);
  }
  std::unique_ptr<DeviceStore> open_device(const std::string& name) {
    return DeviceStore::open(dir / (name + ".db"), {.clock = &clock, .durable = false});
  }

  // A device of the user, enrolled over the link with a one-time code.
  std::unique_ptr<DeviceStore> enrolled_device(const std::string& name, const std::string& user) {
    auto device = open_device(name);
    const std::optional<Refused> refusal = enrol(*device, issue_code(user));
    REQUIRE_MESSAGE(!refusal, "enrolment refused: " << refusal->reason);
    return device;
  }

  std::string issue_code(const std::string& user) {
    std::string code;
    store->write([&](StoreTxn& txn) { code = issue_enrolment_code(txn, user, clock.now_ms()); });
    return code;
  }

  // Trades the code for a device token over the link: nullopt when enrolled.
  std::optional<Refused> enrol(DeviceStore& device, const std::string& code) {
    EnrolSession session(device, "ws://loopback");
    bool over = false;
    converse(
        session.start(code, "test tablet"),
        [&](std::span<const std::uint8_t> frame) {
          over = session.receive(frame);
          return std::vector<Bytes>{};
        },
        [&] { return over; });
    if (session.enrolled()) return std::nullopt;
    return session.refusal().value_or(Refused{RefusalCode::malformed, "no answer"});
  }

  SyncRun sync(DeviceStore& device, SyncLimits limits = {}) {
    DeviceSyncSession session(device, DeviceSyncSession::Mode::until_caught_up, clock, limits);
    SyncRun run;
    run.transcript = converse(
        session.start("loopback-test"),
        [&](std::span<const std::uint8_t> frame) { return session.receive(frame); },
        [&] { return session.finished(); });
    run.state = session.state();
    run.progress = session.progress();
    run.refusal = session.refusal();
    return run;
  }

  // Runs one connection: `opening` to a fresh ServerSession, then frames both
  // ways and posted completions until the device is finished. Bounded: fails
  // the test on a session that loops or stalls.
  Transcript converse(Bytes opening, const DeviceEnd& device, const std::function<bool()>& done) {
    TaskQueue tasks;
    LoopbackLink link(tasks);
    ServerSession server({*store, commits, clock}, link, "loopback");
    Transcript transcript;
    std::deque<Bytes> to_server{std::move(opening)};
    auto idle = 0ms;
    for (int step = 0; !done(); ++step) {
      REQUIRE_MESSAGE(step < kMaxSteps, "the session did not finish in " << kMaxSteps << " steps");
      bool progressed = false;
      while (!link.to_device.empty() && !done()) {
        const Bytes frame = std::move(link.to_device.front());
        link.to_device.pop_front();
        for (Bytes& reply : device(frame)) to_server.push_back(std::move(reply));
        progressed = true;
      }
      if (done()) break;
      if (link.reading && !link.closing && !to_server.empty()) {
        link.reading = false;
        const Bytes frame = std::move(to_server.front());
        to_server.pop_front();
        transcript.from_device.push_back(decode_message(frame));
        server.on_frame(frame, true);
        progressed = true;
      }
      if (tasks.run(progressed ? 0ms : kIdleWait) > 0) progressed = true;
      if (!progressed) {
        idle += kIdleWait;
        REQUIRE_MESSAGE(idle < kMaxIdle, "the session stalled");
      }
    }
    // Completions still on their way must find the session closed.
    server.on_disconnected();
    for (auto waited = 0ms; tasks.posted() < link.posters_handed_out; waited += kIdleWait) {
      REQUIRE(waited < kMaxIdle);
      tasks.run(kIdleWait);
    }
    tasks.run(0ms);
    return transcript;
  }

  // Visit notes made offline on the device, one per child in turn.
  void write_notes(DeviceStore& device, int count, std::vector<std::string> children) {
    for (int i = 0; i < count; ++i) {
      device.create(Kind::visit, children[std::size_t(i) % children.size()],
                    {{"note", std::string("Visit note ") + std::to_string(i) + " from " +
                                  device.device_id()}});
      clock.advance(1000);
    }
  }

  DeviceIdentity identity_of_device(const DeviceStore& device) {
    return identity_of(device.status().user_id, device.device_id());
  }

  // The server's records in the device's scope, as `iro export --json` prints them.
  std::string server_export(const DeviceStore& device) {
    return export_json(documents_in_scope(identity_of_device(device)));
  }
};

std::string device_export(const DeviceStore& device) {
  return export_json(device.query(DocumentQuery::everything()));
}

std::size_t visits_on(const DeviceStore& device) {
  return device.query(DocumentQuery::of_kind(Kind::visit)).size();
}

}  // namespace

TEST_CASE("two devices of one IRO converge on the server's records") {
  SyncRig rig;
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  auto laptop = rig.enrolled_device("laptop", rig.ann);
  rig.write_notes(*tablet, 3, {"C1", "C2"});
  rig.write_notes(*laptop, 2, {"C2"});

  for (DeviceStore* device : {tablet.get(), laptop.get(), tablet.get()}) {
    const SyncRun run = rig.sync(*device);
    CHECK(run.state == SyncState::done);
  }

  CHECK(visits_on(*tablet) == 5);
  CHECK(tablet->outbox_size() == 0);
  CHECK(laptop->outbox_size() == 0);
  const std::string server = rig.server_export(*tablet);
  CHECK(device_export(*tablet) == server);
  CHECK(device_export(*laptop) == server);
  CHECK(rig.server_export(*laptop) == server);
  // Bob's child C3 is not in Ann's scope.
  CHECK(tablet->query(DocumentQuery::of_child("C3")).empty());
  CHECK(tablet->query(DocumentQuery::of_kind(Kind::child)).size() == 2);
  CHECK(tablet->status().last_sync_error.empty());
  CHECK(tablet->status().last_sync_ms.has_value());
}

TEST_CASE("a device pulls in pages with increasing cursors until it is caught up") {
  SyncRig rig;
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  auto laptop = rig.enrolled_device("laptop", rig.ann);
  // Two child records of six fields each, and 23 notes of one field: 35 changes for the laptop.
  rig.write_notes(*tablet, 23, {"C1", "C2"});
  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  Changes everything;
  rig.store->read(
      [&](StoreTxn& txn) { everything = txn.pull_page(rig.identity_of_device(*laptop), 0, 1000); });
  REQUIRE(everything.entries.size() == 35);

  const SyncRun run = rig.sync(*laptop, {.pull_page = 10});
  CHECK(run.state == SyncState::done);
  const std::vector<Pull> pulls = run.transcript.pulls();
  REQUIRE(pulls.size() == 4);
  CHECK(pulls[0].cursor == 0);
  for (std::size_t i = 0; i < pulls.size(); ++i) {
    CAPTURE(i);
    CHECK(pulls[i].limit == 10);
    if (i > 0) CHECK(pulls[i].cursor > pulls[i - 1].cursor);
  }
  CHECK(run.progress.pulled == 35);
  CHECK(laptop->status().cursor == rig.head_seq());
  CHECK(visits_on(*laptop) == 23);
  CHECK(device_export(*laptop) == rig.server_export(*laptop));
}

TEST_CASE("a device with a token the server does not know is refused and records why") {
  SyncRig rig;
  auto stranger = rig.open_device("stranger");
  CHECK_THROWS_AS(rig.sync(*stranger), Error);  // not enrolled: no Hello to send

  stranger->save_enrolment("ws://loopback",
                           Enrolled{stranger->device_id(), std::string(64, 'a'), rig.ann, "shire"});
  rig.write_notes(*stranger, 2, {"C1"});
  const SyncRun run = rig.sync(*stranger);
  CHECK(run.state == SyncState::refused);
  REQUIRE(run.refusal.has_value());
  CHECK(run.refusal->code == RefusalCode::bad_token);
  const DeviceStatus status = stranger->status();
  CHECK(status.last_sync_error == run.refusal->reason);
  CHECK(status.last_sync_error_ms == rig.clock.now_ms());
  CHECK(status.pending_changes == 2);  // nothing is lost
  for (const Document& document : rig.documents_in_scope(rig.identity_of(rig.ann, "any"))) {
    CHECK(document.kind == Kind::child);  // and none of the stranger's notes reached the server
  }
}

TEST_CASE("a revoked device is told to wipe") {
  SyncRig rig;
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  rig.store->write(
      [&](StoreTxn& txn) { revoke_device(txn, tablet->device_id(), false, rig.clock.now_ms()); });
  const SyncRun run = rig.sync(*tablet);
  CHECK(run.state == SyncState::wiped);
}

TEST_CASE("an enrolment code used by a second device over the link is refused") {
  SyncRig rig;
  const std::string code = rig.issue_code(rig.ann);
  auto first = rig.open_device("first");
  CHECK_FALSE(rig.enrol(*first, code).has_value());
  CHECK(first->sync_credentials().has_value());

  auto second = rig.open_device("second");
  const std::optional<Refused> refusal = rig.enrol(*second, code);
  REQUIRE(refusal.has_value());
  CHECK(refusal->code == RefusalCode::bad_code);
  CHECK_FALSE(second->sync_credentials().has_value());
}

TEST_CASE("a device's own changes are not sent back to it but reach its twin") {
  SyncRig rig;
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  auto laptop = rig.enrolled_device("laptop", rig.ann);
  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  REQUIRE(rig.sync(*laptop).state == SyncState::done);

  rig.write_notes(*tablet, 10, {"C1", "C2"});
  const SyncRun pushing = rig.sync(*tablet);
  CHECK(pushing.progress.pushed == 10);
  CHECK(pushing.progress.pulled == 0);
  CHECK(rig.sync(*tablet).progress.pulled == 0);

  const SyncRun twin = rig.sync(*laptop);
  CHECK(twin.progress.pulled == 10);
  CHECK(visits_on(*laptop) == 10);
  CHECK(device_export(*laptop) == device_export(*tablet));
}
