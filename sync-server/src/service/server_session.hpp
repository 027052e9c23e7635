// The server's side of one sync session, apart from the network: it decodes
// each frame, answers it through the store (reads here, writes through the
// commit queue), and sends live changes once the device has caught up. The
// WebSocket session (net/websocket_session.cpp) owns one and calls it on its
// strand; `SessionLink` is how this reaches back.
//
// One request at a time: the link reads the next frame only after
// resume_reading(), so a device that floods the server waits its turn
// instead of queueing work.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <set>
#include <span>
#include <string>

#include "iro/clock.hpp"
#include "iro/protocol.hpp"
#include "service/audit.hpp"
#include "service/auth_throttle.hpp"
#include "service/blobs.hpp"
#include "service/log_line.hpp"
#include "store/commit_queue.hpp"
#include "store/server_store.hpp"

namespace iro::server {

class SessionLink {
 public:
  virtual ~SessionLink() = default;
  using Poster = std::function<void(std::function<void()>)>;

  virtual void send(Bytes message) = 0;    // queue one frame
  virtual void close_after_sending() = 0;  // close once the queue is written
  // A callable that runs tasks on the session's strand and keeps the session
  // alive until they have run (for completions from other threads).
  virtual Poster poster() = 0;
  virtual void resume_reading() = 0;  // ready for the next frame
  // The device proved who it is: its row is watched from now on (its
  // sessions end if it is revoked or opens another: device_watch.hpp).
  virtual void authenticated(const DeviceIdentity& identity) { (void)identity; }
  virtual void went_live(const DeviceIdentity& identity) = 0;  // join the hub
  virtual std::size_t queued_frames() const = 0;
};

class Metrics;

struct SessionServices {
  ServerStore& store;
  CommitQueue& commits;
  Clock& clock;
  // Failed authentication limited per address, shared by every session of
  // the server; null: no limit.
  AuthThrottle* throttle = nullptr;
  // The operators' counters (/metrics); null: not counted.
  Metrics* metrics = nullptr;
  // What one user's devices may upload.
  BlobLimits blob_limits = {};
};

// Every session's Hello or Enrol, refusal, pushed change, page of changes
// sent and scope change is in the audit log (service/audit.hpp), written in
// the transaction of what it records; a page of changes is sent only once
// its entries are committed.
class ServerSession {
 public:
  // `peer`: "address:port" of the other end; failed authentication is
  // counted by its address (AuthThrottle::address_of).
  ServerSession(SessionServices services, SessionLink& link, std::string peer);

  // One frame from the device. `binary` is false for a text frame.
  void on_frame(std::span<const std::uint8_t> frame, bool binary);

  // The store changed: send new changes in scope if the device is live.
  void on_store_changed();

  // The link's queue drained: catch up on live changes skipped while it was full.
  void on_queue_drained();

  // The connection is gone: late completions must not send.
  void on_disconnected() { m_closed = true; }

  // The session's device as the store has it now (Hub::device_row): a
  // device revoked since its Hello is wiped (or, revoked with
  // --collect-first, may hand in its changes first); a session whose token
  // has opened a newer session is ended, as a possible copy of the token.
  void on_device_row(const DeviceRow& device);

  const std::optional<DeviceIdentity>& identity() const { return m_identity; }
  const std::string& peer() const { return m_peer; }
  // "connection=ID peer=ADDRESS:PORT event=EVENT k=v...": one log line of
  // this session (service/log_line.hpp).
  std::string log_line(std::string_view event, std::initializer_list<LogField> fields = {}) const;

  // A live session whose device has this many frames unsent gets no more
  // live changes until it drains (a slow client holds up nobody else).
  static constexpr std::size_t kMaxQueuedFrames = 16;

 private:
  void dispatch(const Message& message);
  void on_hello(const Hello& hello);
  void on_enrol(const Enrol& enrol);
  void on_push(Push push);
  void on_pull(const Pull& pull);
  void on_blob_put(BlobPut put);
  void on_blob_get(const BlobGet& get);
  void send_live_changes();
  void send_scope_changes(std::uint64_t after_seq);
  ScopeChanged read_scope_changes(StoreTxn& txn, std::uint64_t after_seq);
  // A page of changes after `cursor`, read in one transaction with the
  // children that left the device's scope since the last look; those are
  // announced (ScopeChanged) before the page goes, so a device never moves its
  // cursor past a child's removal without having been told.
  Changes read_page(std::uint64_t cursor, std::uint32_t limit);
  // Sends the children that left the scope, if any, audited; moves the scope cursor.
  void announce(ScopeChanged scope);
  // Sends a page once the audit log holds which children it discloses (at
  // once when it is empty), then runs `then` on the strand.
  void send_page(Changes page, bool live, std::function<void()> then);
  // Refuses a Hello or Enrol from an address that failed too often; false
  // when the address may try. `begin_attempt`: count this attempt as a
  // failure at once (AuthThrottle::begin_attempt), taken back on success.
  bool refuse_if_throttled(AuditAction action, std::string_view claimed_device_id,
                           bool begin_attempt = false);
  // A refusal before authentication: audited, and counted as a failure.
  void refuse_unauthenticated(AuditAction action, std::string_view claimed_device_id,
                              RefusalCode code, std::string reason);
  // A frame that breaks the protocol: before authentication as above; after
  // it, audited as the device's.
  void refuse_protocol_error(RefusalCode code, std::string reason);
  // Appends audit entries in the next group commit without waiting for it.
  void audit_later(std::function<void(StoreTxn&)> write);
  void refuse(RefusalCode code, std::string reason);
  // Tells the device to wipe and closes; a collection (--collect-first) is
  // over from then on.
  void wipe(std::string reason);
  // Enters the collection of a device revoked with --collect-first: it may
  // push and upload, and is wiped at its first Pull or fetch, or at the end
  // of the collection window.
  void start_collection(std::string wipe_reason);
  bool collection_over();
  // Runs a write job through the commit queue; `then` runs on the strand after the commit.
  void commit(ServerStore::Job job, std::function<void(std::exception_ptr)> then);

  SessionServices m_services;
  SessionLink& m_link;
  std::string m_peer;
  std::string m_address;        // the peer's address without its port
  std::string m_connection_id;  // in every log line of the session (service/log_line.hpp)
  std::optional<DeviceIdentity> m_identity;
  // Attachments found in the device's scope in this session: their later
  // chunks need no second look at the scope.
  std::set<std::string> m_blobs_in_scope;
  // Set for a device revoked with --collect-first: its first Pull is
  // answered with Wipe, giving this reason.
  std::optional<std::string> m_wipe_after_push;
  std::uint64_t m_collect_until_ms = 0;  // the collection window's end
  // This session's id, recorded as the device's current session once its
  // Hello is committed (m_session_recorded): a different one in the
  // device's row means another session of the same token has started.
  std::string m_session_id;
  bool m_session_recorded = false;
  std::uint64_t m_cursor = 0;        // the newest sequence number sent to the device
  std::uint64_t m_scope_cursor = 0;  // scope removals sent up to here
  bool m_live = false;               // caught up: send changes as they commit
  bool m_live_pending = false;       // a live update was skipped (queue full, or one in hand)
  bool m_live_sending = false;       // a live page waits for its audit entries to commit
  bool m_closed = false;
  bool m_wiping = false;  // a Wipe is on its way (after the collection's end is committed)
};

}  // namespace iro::server
