// Whole sync sessions without a network: core's device session on a real
// DeviceStore file talks to the server's ServerSession, on a real SQLite
// server store and commit queue, over an in-memory link. The test thread
// plays the WebSocket session's strand: it delivers frames both ways and runs
// the tasks the commit queue's thread posts back. A connection can be cut
// after any number of frames, as a tablet losing signal would be.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "iro/protocol.hpp"
#include "iro/store.hpp"
#include "iro/sync_session.hpp"
#include "server/server_fixture.hpp"
#include "service/auth_throttle.hpp"
#include "store/commit_queue.hpp"

namespace iro::test {

// What the device sent in one connection.
struct Transcript {
  std::vector<Message> from_device;
  bool cut = false;  // the connection was cut before the device finished

  std::vector<Pull> pulls() const;
};

struct SyncRun {
  Transcript transcript;
  SyncState state = SyncState::greeting;
  SyncProgress progress;
  std::optional<Refused> refusal;
};

// The device's end: takes one server frame and returns its replies.
using DeviceEnd = std::function<std::vector<Bytes>(std::span<const std::uint8_t>)>;

// Council "shire": IRO Ann holds C1 and C2, IRO Bob holds C3.
class LoopbackCouncil : public ServerFixture {
 public:
  LoopbackCouncil();

  server::CommitQueue commits{*store, nullptr};
  std::string ann, bob;
  // What every connection's ServerSession is given: the other end's
  // "address:port", and the server's limit on failed authentication (none).
  std::string peer = "192.0.2.7:50000";
  server::AuthThrottle* throttle = nullptr;
  // Called after each frame is delivered (`to_device`: which way it went),
  // between steps of the conversation, where an admin may act; returning
  // true cuts the connection there. Empty: no hook.
  std::function<bool(bool to_device, const Message& message)> after_frame;
  // Called once, when a session first goes live (where a real session joins
  // the hub): a test commits here what no wake will announce.
  std::function<void()> on_went_live;

  // A device store on the council's clock, or on its own (a tablet whose clock is wrong).
  std::unique_ptr<DeviceStore> open_device(const std::string& name, Clock* own_clock = nullptr);
  // A device of the user, enrolled over the link with a one-time code.
  std::unique_ptr<DeviceStore> enrolled_device(const std::string& name, const std::string& user,
                                               Clock* own_clock = nullptr);
  std::string issue_code(const std::string& user);
  // Trades the code for a device token over the link: nullopt when enrolled.
  std::optional<Refused> enrol(DeviceStore& device, const std::string& code);

  // One connection that syncs the device until caught up, or until
  // `cut_after_frames` frames (both ways) have been delivered.
  SyncRun sync(DeviceStore& device, SyncLimits limits = {},
               std::optional<std::size_t> cut_after_frames = std::nullopt);

  // Runs one connection: `opening` to a fresh ServerSession, then frames both
  // ways and posted completions until `done`, or the cut. Bounded: fails the
  // test on a session that loops or stalls.
  Transcript converse(Bytes opening, const DeviceEnd& device, const std::function<bool()>& done,
                      std::optional<std::size_t> cut_after_frames = std::nullopt);

  // Visit notes made offline on the device, one per child in turn.
  void write_notes(DeviceStore& device, int count, std::vector<std::string> children);

  server::DeviceIdentity identity_of_device(const DeviceStore& device);
  // The server's records in the device's scope, as `iro export --json` prints them.
  std::string server_export(const DeviceStore& device);
};

std::string device_export(const DeviceStore& device);
std::size_t visits_on(const DeviceStore& device);

}  // namespace iro::test
