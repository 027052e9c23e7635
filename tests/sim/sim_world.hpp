// The simulation's world: one council's server (the real SQLite server store,
// commit queue and ServerSession) and the IROs' devices (real DeviceStore
// files and DeviceSyncSession), joined by in-memory connections that the
// simulation drives one frame at a time. Every choice comes from one seeded
// generator and the server is allowed to settle after each step, so a seed
// replays exactly.
//
// Faults it can inject (sim_run.cpp decides when):
//   cut a connection mid-push or mid-pull; duplicate or reorder frames;
//   crash a device (its store is closed and reopened from the file, whatever
//   it had not committed is gone); crash the server between a commit and its
//   reply (the replies are dropped, the store reopened); skew a device's
//   clock; move a child to another IRO while devices sync.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "iro/protocol.hpp"
#include "iro/store.hpp"
#include "iro/sync_session.hpp"
#include "iro/uuid.hpp"
#include "store/commit_queue.hpp"
#include "store/server_store.hpp"
#include "support/manual_clock.hpp"
#include "support/temp_dir.hpp"

namespace iro::sim {

// Thrown when the world breaks a rule it checks as it goes (a session that
// stalls, a step that cannot be taken): the seed fails with this message.
struct SimFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Completions the commit queue's thread posts back, run by the simulation.
class PostedTasks;

// One connection between a device and the server.
struct Connection;

struct SimDevice {
  std::string name;     // "ann-tablet"
  std::string user_id;  // whose device it is
  std::filesystem::path file;
  std::unique_ptr<test::ManualClock> clock;  // its own clock, skewed at will
  std::unique_ptr<DeviceStore> store;
  // (device_seq) of every change the server acknowledged as taken to this
  // device, read from the PushAcks the device received.
  std::set<std::uint64_t> acknowledged;
};

class World {
 public:
  // `detailed`: the trace also shows every change pushed and pulled.
  World(std::uint32_t seed, bool detailed);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  std::mt19937& random() { return m_random; }
  int pick(int low, int high) { return std::uniform_int_distribution<int>(low, high)(m_random); }
  bool chance(int percent) { return pick(1, 100) <= percent; }
  std::ostringstream& trace() { return m_trace; }

  test::ManualClock& server_clock() { return m_server_clock; }
  std::vector<SimDevice>& devices() { return m_devices; }
  const std::string& tenant() const { return m_tenant; }
  const std::string& ann() const { return m_ann; }
  const std::string& bob() const { return m_bob; }
  server::ServerStore& store() { return *m_store; }
  std::filesystem::path server_database() const;

  // --- connections ---
  bool connected(std::size_t device) const;
  // Opens a connection: the device's Hello is queued for the server.
  void connect(std::size_t device);
  // Delivers the next frame of the device's connection, towards the server
  // when it is reading and has one, else towards the device. False when
  // neither end had anything to deliver (the connection is then closed).
  bool deliver(std::size_t device);
  // Faults on the device's open connection; false when not possible now.
  bool duplicate_frame(std::size_t device);
  bool reorder_frames(std::size_t device);
  void cut(std::size_t device, const char* why);

  // --- crashes ---
  // The device's process dies: its connection drops and its store is closed
  // and reopened from the file.
  void crash_device(std::size_t device);
  // When set, the next time the server has committed work whose replies are
  // waiting to go out, it crashes instead of sending them.
  void arm_server_crash() { m_server_crash_armed = true; }
  void disarm_server_crash() { m_server_crash_armed = false; }
  std::size_t server_crashes() const { return m_server_crashes; }

  // --- the council's admin ---
  // Allocates the child to the user (the other IRO's devices lose it).
  void allocate(const std::string& child_id, const std::string& user_id);

  // Syncs the device in one clean connection until it is done. Throws
  // SimFailure when it does not finish.
  void sync_fully(std::size_t device);

 private:
  void open_server();
  void close_server();
  // Runs the commit queue's completions until nothing is left in flight,
  // crashing the server in between when armed.
  void settle_server();
  void close(std::size_t device);
  Connection* connection_of(std::size_t device) const;
  void note_acknowledged(SimDevice& device, std::span<const std::uint8_t> frame);
  void note_sent(const SimDevice& device, std::span<const std::uint8_t> frame);

  std::mt19937 m_random;
  bool m_detailed = false;
  std::ostringstream m_trace;
  test::TempDir m_dir;
  test::ManualClock m_server_clock;
  UuidV7Generator m_ids;
  std::string m_tenant = "shire";
  std::string m_ann, m_bob;
  std::unique_ptr<server::ServerStore> m_store;
  std::unique_ptr<server::CommitQueue> m_commits;
  std::unique_ptr<PostedTasks> m_tasks;
  std::vector<SimDevice> m_devices;
  std::vector<std::unique_ptr<Connection>> m_connections;  // one slot per device
  std::vector<SyncState> m_last_state;  // how each device's last connection ended
  bool m_server_crash_armed = false;
  std::size_t m_server_crashes = 0;
};

}  // namespace iro::sim
