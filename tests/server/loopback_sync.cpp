#include "server/loopback_sync.hpp"

#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <utility>

#include "iro/error.hpp"
#include "iro/json.hpp"
#include "service/accounts.hpp"
#include "service/server_session.hpp"

namespace iro::test {

using namespace iro::server;
using namespace std::chrono_literals;

namespace {

// Tasks posted from the committer thread, run on the test thread.
class TaskQueue {
 public:
  void post(std::function<void()> task) {
    // Notified under the lock: once the test thread sees the task it may
    // destroy the queue, and must not do so while this thread still signals.
    std::lock_guard<std::mutex> hold(m_lock);
    m_tasks.push_back(std::move(task));
    ++m_posted;
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
  LoopbackLink(TaskQueue& tasks, std::function<void()>& on_went_live)
      : m_tasks(tasks), m_on_went_live(on_went_live) {}

  void send(Bytes message) override { to_device.push_back(std::move(message)); }
  void close_after_sending() override { closing = true; }
  Poster poster() override {
    ++posters_handed_out;
    return [&tasks = m_tasks](std::function<void()> task) { tasks.post(std::move(task)); };
  }
  void resume_reading() override { reading = true; }
  void went_live(const DeviceIdentity&) override {
    live = true;
    if (auto hook = std::exchange(m_on_went_live, nullptr)) hook();
  }
  std::size_t queued_frames() const override { return to_device.size(); }

  std::deque<Bytes> to_device;
  bool reading = true;  // a new connection reads its first frame
  bool closing = false;
  bool live = false;
  std::size_t posters_handed_out = 0;  // one per commit the session started

 private:
  TaskQueue& m_tasks;
  std::function<void()>& m_on_went_live;
};

constexpr int kMaxSteps = 10'000;
constexpr auto kIdleWait = 20ms;
constexpr auto kMaxIdle = 10'000ms;

}  // namespace

std::vector<Pull> Transcript::pulls() const {
  std::vector<Pull> pulls;
  for (const Message& message : from_device) {
    if (const auto* pull = std::get_if<Pull>(&message)) pulls.push_back(*pull);
  }
  return pulls;
}

LoopbackCouncil::LoopbackCouncil() {
  // The sessions log every hello and refusal; the tests check them instead.
  spdlog::set_level(spdlog::level::off);
  add_tenant("shire");
  ann = add_user("shire", "Ann Iro");
  bob = add_user("shire", "Bob Iro");
  add_child("shire", "C1", ann);
  add_child("shire", "C2", ann);
  add_child("shire", "C3", bob);
}

std::unique_ptr<DeviceStore> LoopbackCouncil::open_device(const std::string& name,
                                                          Clock* own_clock) {
  return DeviceStore::open(dir / (name + ".db"),
                           {.clock = own_clock ? own_clock : &clock, .durable = false});
}

std::unique_ptr<DeviceStore> LoopbackCouncil::enrolled_device(const std::string& name,
                                                              const std::string& user,
                                                              Clock* own_clock) {
  auto device = open_device(name, own_clock);
  const std::optional<Refused> refusal = enrol(*device, issue_code(user));
  REQUIRE_MESSAGE(!refusal, "enrolment refused: " << refusal->reason);
  return device;
}

std::string LoopbackCouncil::issue_code(const std::string& user) {
  std::string code;
  store->write([&](StoreTxn& txn) { code = issue_enrolment_code(txn, user, clock.now_ms()); });
  return code;
}

std::optional<Refused> LoopbackCouncil::enrol(DeviceStore& device, const std::string& code) {
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

SyncRun LoopbackCouncil::sync(DeviceStore& device, SyncLimits limits,
                              std::optional<std::size_t> cut_after_frames) {
  DeviceSyncSession session(device, DeviceSyncSession::Mode::until_caught_up, clock, limits);
  SyncRun run;
  run.transcript = converse(
      session.start("loopback-test"),
      [&](std::span<const std::uint8_t> frame) { return session.receive(frame); },
      [&] { return session.finished(); }, cut_after_frames);
  run.state = session.state();
  run.progress = session.progress();
  run.refusal = session.refusal();
  return run;
}

Transcript LoopbackCouncil::converse(Bytes opening, const DeviceEnd& device,
                                     const std::function<bool()>& done,
                                     std::optional<std::size_t> cut_after_frames) {
  TaskQueue tasks;
  LoopbackLink link(tasks, on_went_live);
  ServerSession server({*store, commits, clock, throttle}, link, peer);
  Transcript transcript;
  std::deque<Bytes> to_server{std::move(opening)};
  std::size_t delivered = 0;
  bool hook_cut = false;
  const auto cut = [&] { return hook_cut || (cut_after_frames && delivered >= *cut_after_frames); };
  const auto delivered_one = [&](bool to_device, const Bytes& frame) {
    ++delivered;
    if (!after_frame) return;
    try {
      hook_cut = after_frame(to_device, decode_message(frame)) || hook_cut;
    } catch (const Error&) {  // a test's malformed frame: nothing to show the hook
    }
  };
  auto idle = 0ms;
  for (int step = 0; !done() && !cut(); ++step) {
    REQUIRE_MESSAGE(step < kMaxSteps, "the session did not finish in " << kMaxSteps << " steps");
    bool progressed = false;
    while (!link.to_device.empty() && !done() && !cut()) {
      const Bytes frame = std::move(link.to_device.front());
      link.to_device.pop_front();
      for (Bytes& reply : device(frame)) to_server.push_back(std::move(reply));
      delivered_one(true, frame);
      progressed = true;
    }
    if (done() || cut()) break;
    if (link.reading && !link.closing && !to_server.empty()) {
      link.reading = false;
      const Bytes frame = std::move(to_server.front());
      to_server.pop_front();
      // A frame that does not decode (a test's malformed one) is left out.
      try {
        transcript.from_device.push_back(decode_message(frame));
      } catch (const Error&) {
      }
      server.on_frame(frame, true);
      delivered_one(false, frame);
      progressed = true;
    }
    if (tasks.run(progressed ? 0ms : kIdleWait) > 0) progressed = true;
    if (!progressed) {
      idle += kIdleWait;
      REQUIRE_MESSAGE(idle < kMaxIdle, "the session stalled");
    }
  }
  transcript.cut = !done();
  // Completions still on their way must find the session closed; what they
  // committed stays committed, as on a real server when the line drops.
  server.on_disconnected();
  for (auto waited = 0ms; tasks.posted() < link.posters_handed_out; waited += kIdleWait) {
    REQUIRE(waited < kMaxIdle);
    tasks.run(kIdleWait);
  }
  tasks.run(0ms);
  return transcript;
}

void LoopbackCouncil::write_notes(DeviceStore& device, int count,
                                  std::vector<std::string> children) {
  for (int i = 0; i < count; ++i) {
    device.create(
        Kind::visit, children[std::size_t(i) % children.size()],
        {{"note", std::string("Visit note ") + std::to_string(i) + " from " + device.device_id()}});
    clock.advance(1000);
  }
}

DeviceIdentity LoopbackCouncil::identity_of_device(const DeviceStore& device) {
  return identity_of(device.status().user_id, device.device_id());
}

std::string LoopbackCouncil::server_export(const DeviceStore& device) {
  return export_json(documents_in_scope(identity_of_device(device)));
}

std::string device_export(const DeviceStore& device) {
  return export_json(device.query(DocumentQuery::everything()));
}

std::size_t visits_on(const DeviceStore& device) {
  return device.query(DocumentQuery::of_kind(Kind::visit)).size();
}

}  // namespace iro::test
