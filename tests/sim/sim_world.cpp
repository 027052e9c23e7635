#include "sim/sim_world.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <variant>

#include "iro/error.hpp"
#include "iro/value.hpp"
#include "service/accounts.hpp"
#include "service/caseload.hpp"
#include "service/server_clock.hpp"
#include "service/server_session.hpp"
#include "store/sqlite_server_store.hpp"

namespace iro::sim {

using namespace std::chrono_literals;

class PostedTasks {
 public:
  // A poster for one commit: counted when handed out, so the simulation
  // knows how many completions are still to come.
  server::SessionLink::Poster poster() {
    std::lock_guard<std::mutex> hold(m_lock);
    ++m_handed_out;
    return [this](std::function<void()> task) {
      // Notified under the lock: once the simulation sees the task it may
      // destroy this object (a server crash), so not after letting go.
      std::lock_guard<std::mutex> posting(m_lock);
      m_tasks.push_back(std::move(task));
      ++m_posted;
      m_ready.notify_all();
    };
  }

  // Waits (bounded) until every commit handed a poster has posted, then
  // takes what was posted.
  std::deque<std::function<void()>> take_when_settled() {
    std::unique_lock<std::mutex> hold(m_lock);
    if (!m_ready.wait_for(hold, 10s, [this] { return m_posted == m_handed_out; })) {
      throw SimFailure("the commit queue did not finish a job within 10 s");
    }
    std::deque<std::function<void()>> tasks;
    tasks.swap(m_tasks);
    return tasks;
  }

 private:
  std::mutex m_lock;
  std::condition_variable m_ready;
  std::deque<std::function<void()>> m_tasks;
  std::size_t m_handed_out = 0;
  std::size_t m_posted = 0;
};

namespace {

// The server's end of an in-memory connection.
class SimLink final : public server::SessionLink {
 public:
  explicit SimLink(PostedTasks& tasks) : m_tasks(tasks) {}

  void send(Bytes message) override { to_device.push_back(std::move(message)); }
  void close_after_sending() override { closing = true; }
  Poster poster() override { return m_tasks.poster(); }
  void resume_reading() override { reading = true; }
  void went_live(const server::DeviceIdentity&) override {}
  std::size_t queued_frames() const override { return to_device.size(); }

  std::deque<Bytes> to_device;
  bool reading = true;  // a new connection reads its first frame
  bool closing = false;

 private:
  PostedTasks& m_tasks;
};

constexpr std::uint64_t kHourMs = 60ull * 60 * 1000;
constexpr std::uint64_t kYearMs = 365 * 24 * kHourMs;
constexpr int kMaxFramesPerSync = 5'000;

}  // namespace

struct Connection {
  SimLink link;
  server::ServerSession server;
  DeviceSyncSession device;
  std::deque<Bytes> to_server;
  bool faulted = false;  // a frame was duplicated or reordered on it

  Connection(PostedTasks& tasks, server::SessionServices services, std::string peer,
             DeviceStore& store, Clock& device_clock)
      : link(tasks),
        server(services, link, std::move(peer)),
        device(store, DeviceSyncSession::Mode::until_caught_up, device_clock,
               // Small pushes and pages, so that a sync takes many frames to cut between.
               SyncLimits{.push_changes = 3, .pull_page = 4}) {}
};

World::World(std::uint32_t seed, bool detailed) : m_random(seed), m_detailed(detailed) {
  // Sessions log each hello and refusal; the simulation checks outcomes instead.
  spdlog::set_level(spdlog::level::off);
  open_server();
  const std::uint64_t now = m_server_clock.now_ms();
  m_store->write([&](server::StoreTxn& txn) {
    server::add_tenant(txn, m_tenant, now);
    m_ann = server::add_user(txn, m_tenant, "Ann Iro", server::Role::iro, m_ids, now);
    m_bob = server::add_user(txn, m_tenant, "Bob Iro", server::Role::iro, m_ids, now);
    server::TxnClock clock(txn, m_server_clock);
    for (const char* child : {"C1", "C2", "C3"}) {
      server::ChildRecordRow row;
      row.child_id = child;
      row.fields.emplace("first_name", std::string("Sam"));
      row.fields.emplace("last_name", "Example-" + std::string(child));
      row.fields.emplace("date_of_birth", Date::from_ymd(2012, 3, 14));
      server::import_children(txn, m_tenant, std::span(&row, 1), clock, m_ids);
      server::allocate_child(txn, child, child == std::string("C3") ? m_bob : m_ann, clock);
    }
    clock.save();
  });
  // Ann's laptop keeps good time, her tablet runs a year fast, Bob's three hours slow.
  struct Plan {
    const char* name;
    const std::string& user;
    std::int64_t offset_ms;
  };
  for (const Plan& plan :
       {Plan{"ann-laptop", m_ann, 0}, Plan{"ann-tablet", m_ann, static_cast<std::int64_t>(kYearMs)},
        Plan{"bob-tablet", m_bob, -3 * static_cast<std::int64_t>(kHourMs)}}) {
    SimDevice device;
    device.name = plan.name;
    device.user_id = plan.user;
    device.file = m_dir / (device.name + ".db");
    device.clock = std::make_unique<test::ManualClock>(now + plan.offset_ms);
    device.store = DeviceStore::open(device.file, {.clock = device.clock.get(), .durable = false});
    std::variant<Enrolled, Refused> verdict;
    m_store->write([&](server::StoreTxn& txn) {
      const std::string code = server::issue_enrolment_code(txn, plan.user, now);
      verdict = server::enrol_device(txn, Enrol{code, device.store->device_id(), plan.name}, now);
    });
    const auto* enrolled = std::get_if<Enrolled>(&verdict);
    if (!enrolled) throw SimFailure("enrolment refused: " + std::get<Refused>(verdict).reason);
    device.store->save_enrolment("ws://sim", *enrolled);
    m_devices.push_back(std::move(device));
  }
  m_connections.resize(m_devices.size());
  m_last_state.resize(m_devices.size(), SyncState::greeting);
}

World::~World() {
  m_connections.clear();
  if (m_commits) m_commits->stop();
}

std::filesystem::path World::server_database() const {
  return m_dir / "server" / "iro-server.db";
}

void World::open_server() {
  // Not durable: a crash here is of the process, which SQLite survives
  // without an fsync; power loss is the store tests' business.
  m_store = server::open_sqlite_server_store(m_dir / "server", {.durable = false});
  m_commits = std::make_unique<server::CommitQueue>(*m_store, nullptr);
  m_tasks = std::make_unique<PostedTasks>();
}

void World::close_server() {
  for (std::size_t i = 0; i < m_connections.size(); ++i) m_connections[i].reset();
  m_commits->stop();
  m_commits.reset();
  m_tasks.reset();
  m_store.reset();
}

Connection* World::connection_of(std::size_t device) const {
  return m_connections.at(device).get();
}

bool World::connected(std::size_t device) const {
  return connection_of(device) != nullptr;
}

void World::connect(std::size_t device) {
  if (connected(device)) return;
  SimDevice& sim_device = m_devices.at(device);
  auto connection = std::make_unique<Connection>(
      *m_tasks, server::SessionServices{*m_store, *m_commits, m_server_clock, nullptr},
      "192.0.2.1:" + std::to_string(40000 + device), *sim_device.store, *sim_device.clock);
  connection->to_server.push_back(connection->device.start("sim"));
  m_connections[device] = std::move(connection);
  m_trace << sim_device.name << " connects\n";
}

bool World::deliver(std::size_t device) {
  Connection* connection = connection_of(device);
  if (!connection) return false;
  SimDevice& sim_device = m_devices[device];
  if (connection->link.reading && !connection->link.closing && !connection->to_server.empty()) {
    const Bytes frame = std::move(connection->to_server.front());
    connection->to_server.pop_front();
    connection->link.reading = false;
    note_sent(sim_device, frame);
    connection->server.on_frame(frame, true);
    settle_server();
    return true;
  }
  if (!connection->link.to_device.empty()) {
    const Bytes frame = std::move(connection->link.to_device.front());
    connection->link.to_device.pop_front();
    note_acknowledged(sim_device, frame);
    try {
      for (Bytes& reply : connection->device.receive(frame)) {
        connection->to_server.push_back(std::move(reply));
      }
    } catch (const Error& error) {
      // What the host's transport does with a frame the session cannot take.
      m_trace << sim_device.name << " drops the connection: " << error.what() << "\n";
      close(device);
      return true;
    }
    if (connection->device.finished()) {
      m_trace << sim_device.name << " finishes: " << to_string(connection->device.state())
              << ", pushed " << connection->device.progress().pushed << ", pulled "
              << connection->device.progress().pulled << "\n";
      close(device);
    }
    return true;
  }
  if (connection->link.closing) {
    m_trace << sim_device.name << ": the server closed the connection\n";
  } else if (connection->faulted) {
    // Both ends wait for a frame a fault swallowed: the device's keep-alive
    // gives up, as it would on a dead line.
    m_trace << sim_device.name << ": the connection times out\n";
  } else {
    throw SimFailure(sim_device.name + ": device and server both wait, with no fault to blame");
  }
  close(device);
  return false;
}

bool World::duplicate_frame(std::size_t device) {
  Connection* connection = connection_of(device);
  if (!connection) return false;
  auto& queue = !connection->to_server.empty() ? connection->to_server : connection->link.to_device;
  if (queue.empty()) return false;
  queue.push_front(queue.front());
  connection->faulted = true;
  m_trace << m_devices[device].name << ": a frame "
          << (&queue == &connection->to_server ? "to the server" : "to the device")
          << " is duplicated\n";
  return true;
}

bool World::reorder_frames(std::size_t device) {
  Connection* connection = connection_of(device);
  if (!connection) return false;
  for (auto* queue : {&connection->to_server, &connection->link.to_device}) {
    if (queue->size() < 2) continue;
    std::swap((*queue)[0], (*queue)[1]);
    connection->faulted = true;
    m_trace << m_devices[device].name << ": two frames "
            << (queue == &connection->to_server ? "to the server" : "to the device")
            << " swap places\n";
    return true;
  }
  return false;
}

void World::cut(std::size_t device, const char* why) {
  if (!connected(device)) return;
  m_trace << m_devices[device].name << ": connection cut (" << why << ")\n";
  close(device);
}

void World::close(std::size_t device) {
  Connection* connection = connection_of(device);
  if (!connection) return;
  // The server settles after every step, so no completion is on its way to
  // this session: it can go at once.
  connection->server.on_disconnected();
  m_last_state[device] = connection->device.state();
  m_connections[device].reset();
}

void World::crash_device(std::size_t device) {
  SimDevice& sim_device = m_devices.at(device);
  close(device);
  sim_device.store.reset();
  sim_device.store =
      DeviceStore::open(sim_device.file, {.clock = sim_device.clock.get(), .durable = false});
  m_trace << sim_device.name << " crashes and restarts\n";
}

void World::settle_server() {
  for (int round = 0;; ++round) {
    if (round > 1000) throw SimFailure("the server never settles");
    std::deque<std::function<void()>> tasks = m_tasks->take_when_settled();
    if (tasks.empty()) return;
    if (m_server_crash_armed) {
      // Committed, but no reply has gone out: the process dies here.
      tasks.clear();
      m_server_crash_armed = false;
      ++m_server_crashes;
      m_trace << "the server crashes after a commit, before replying; it restarts\n";
      close_server();
      open_server();
      return;
    }
    for (auto& task : tasks) task();
  }
}

void World::note_acknowledged(SimDevice& device, std::span<const std::uint8_t> frame) {
  try {
    const Message message = decode_message(frame);
    if (const auto* ack = std::get_if<PushAck>(&message)) {
      for (const PushResult& result : ack->results) {
        device.acknowledged.insert(result.device_seq);
        if (m_detailed) {
          m_trace << "    " << device.name << " <- ack " << result.device_seq << ": outcome "
                  << int(result.outcome) << " at " << result.server_seq << " "
                  << describe(result.value) << "\n";
        }
      }
    } else if (const auto* page = std::get_if<Changes>(&message); page && m_detailed) {
      for (const ChangeEntry& entry : page->entries) {
        m_trace << "    " << device.name << " <- " << entry.change.doc_id.substr(24) << "."
                << entry.change.field << " at " << entry.server_seq << ": "
                << describe(entry.change.value) << "\n";
      }
    }
  } catch (const Error&) {
    // Not a message: the device's session will say so.
  }
}

void World::note_sent(const SimDevice& device, std::span<const std::uint8_t> frame) {
  if (!m_detailed) return;
  try {
    const Message message = decode_message(frame);
    m_trace << "    " << device.name << " -> " << message_name(message) << "\n";
    if (const auto* push = std::get_if<Push>(&message)) {
      for (const Change& change : push->changes) {
        m_trace << "      " << change.device_seq << " " << change.doc_id.substr(24) << "."
                << change.field << " base " << change.base << ": " << describe(change.value)
                << "\n";
      }
    }
  } catch (const Error&) {
  }
}

void World::allocate(const std::string& child_id, const std::string& user_id) {
  m_store->write([&](server::StoreTxn& txn) {
    server::TxnClock clock(txn, m_server_clock);
    server::allocate_child(txn, child_id, user_id, clock);
    clock.save();
  });
  m_trace << child_id << " is allocated to " << (user_id == m_ann ? "Ann" : "Bob") << "\n";
}

void World::sync_fully(std::size_t device) {
  close(device);
  connect(device);
  for (int frame = 0; connected(device); ++frame) {
    if (frame > kMaxFramesPerSync) {
      throw SimFailure(m_devices[device].name + ": a clean sync did not finish");
    }
    deliver(device);
  }
  if (m_last_state[device] != SyncState::done) {
    throw SimFailure(m_devices[device].name + ": a clean sync ended " +
                     std::string(to_string(m_last_state[device])));
  }
}

}  // namespace iro::sim
