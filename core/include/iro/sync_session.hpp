// The device's side of the sync protocol as a sans-IO state machine: it
// takes the server's messages as bytes and returns the bytes to send, and
// keeps the device store up to date. The host brings the socket (the bridge's
// Beast transport, or a mobile platform's own WebSocket), timeouts and retries.
//
//   greeting --Welcome--> pushing --outbox empty--> pulling --caught up--> done | live
//
// Attachments (iro/blob.hpp) go up before the records that point at them are
// pushed, and come down once the pull has caught up, chunk by chunk.
//   any --Refused--> refused        any --Wipe--> wiped (the host deletes the store)
//
// Not thread-safe: drive one session from one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "iro/clock.hpp"
#include "iro/protocol.hpp"
#include "iro/store.hpp"
#include "iro/sync_events.hpp"

namespace iro {

// Out-of-range limits are clamped (at least one change per push, at most
// what a peer accepts in one message).
struct SyncLimits {
  std::size_t push_changes = 500;               // changes per Push
  std::size_t push_bytes = kMaxFrameBytes / 4;  // about this many bytes per Push
  std::uint32_t pull_page = 500;                // entries per Pull
};

struct SyncProgress {
  std::size_t pushed = 0;          // changes the server acknowledged in this session
  std::size_t pulled = 0;          // server changes applied in this session
  std::uint64_t pull_total = 0;    // pulled + what the server said remains: "N of M"
  std::size_t pending = 0;         // changes still in the outbox
  std::size_t blobs_sent = 0;      // attachments the server now has whole
  std::size_t blobs_received = 0;  // attachments fetched whole
};

enum class SyncState { greeting, pushing, pulling, live, done, refused, wiped };

std::string_view to_string(SyncState state) noexcept;

class DeviceSyncSession {
 public:
  enum class Mode {
    until_caught_up,  // push everything, pull until caught up, then done
    follow,           // then stay live: apply changes as the server sends them
  };

  // The store and clock must outlive the session.
  DeviceSyncSession(DeviceStore& store, Mode mode, Clock& clock, SyncLimits limits = {});

  // The Hello that opens the session. Throws Error(invalid_input) when the
  // device has not enrolled.
  Bytes start(std::string_view client_name);

  // Handles one message from the server and returns the messages to send.
  // Throws Error(corrupt_data) for bytes that do not decode, and
  // Error(invalid_input) for a message the protocol does not allow here.
  std::vector<Bytes> receive(std::span<const std::uint8_t> frame);

  // In live mode: pushes local edits made since the last push (call after
  // saving one, or on a timer). Empty when there is nothing to send yet.
  std::vector<Bytes> flush();

  // Reports each step that changed the store (sync_events.hpp), after it is
  // committed, on the thread calling receive() or flush(). Empty: none.
  void set_event_sink(SyncEventSink sink) { m_sink = std::move(sink); }

  SyncState state() const noexcept { return m_state; }
  bool finished() const noexcept;
  const SyncProgress& progress() const noexcept { return m_progress; }
  const std::optional<Refused>& refusal() const noexcept { return m_refusal; }
  const std::string& wipe_reason() const noexcept { return m_wipe_reason; }

 private:
  enum class Awaiting { nothing, welcome, push_ack, changes, blob_ack, blob_data };

  std::vector<Bytes> on_welcome(const Welcome& welcome);
  std::vector<Bytes> on_push_ack(const PushAck& ack);
  std::vector<Bytes> on_changes(const Changes& changes);
  std::vector<Bytes> on_scope_changed(const ScopeChanged& scope);
  std::vector<Bytes> on_blob_ack(const BlobAck& ack);
  std::vector<Bytes> on_blob_data(const BlobData& data);
  // The next attachment to send or to fetch, if any (nullopt: none left).
  std::optional<Bytes> next_blob_upload();
  std::optional<Bytes> next_blob_download();
  // The next step once no reply is awaited: push, purge, pull, or finish.
  std::vector<Bytes> advance();
  Bytes pull();
  void update_pending();
  void report(SyncEvent::Type type, std::vector<std::string> doc_ids,
              std::vector<std::string> child_ids = {});

  DeviceStore& m_store;
  Mode m_mode;
  Clock& m_clock;
  SyncLimits m_limits;
  SyncState m_state = SyncState::greeting;
  Awaiting m_awaiting = Awaiting::nothing;
  std::uint64_t m_cursor = 0;
  bool m_caught_up = false;
  std::vector<std::uint64_t> m_pushed_seqs;  // the batch awaiting its PushAck
  std::vector<std::string> m_pushed_docs;    // its records, for the event sink
  // Attachments not to try again in this session (the server did not have
  // one yet, or its bytes came wrong); the next sync tries them again.
  std::set<std::string> m_blobs_skipped;
  // The attachment being sent or fetched, and for an upload how far.
  struct BlobTransfer {
    std::string hash;
    std::uint64_t size = 0;
    std::uint64_t offset = 0;  // of the last chunk sent
    bool sent_bytes = false;   // false while only asking how much the server has
  };
  BlobTransfer m_blob;
  SyncProgress m_progress;
  std::optional<Refused> m_refusal;
  std::string m_wipe_reason;
  SyncEventSink m_sink;
};

// Enrolment: trades a one-time code for the device token, once.
class EnrolSession {
 public:
  // `server_ca_pem`: the CA certificate the connection was verified with,
  // kept for later syncs (empty: the system's roots).
  EnrolSession(DeviceStore& store, std::string server_url, std::string server_ca_pem = {});

  Bytes start(std::string_view code, std::string_view device_name);

  // Saves the enrolment on Enrolled. Returns true when the session is over.
  bool receive(std::span<const std::uint8_t> frame);

  bool enrolled() const noexcept { return m_enrolled.has_value(); }
  const std::optional<Enrolled>& result() const noexcept { return m_enrolled; }
  const std::optional<Refused>& refusal() const noexcept { return m_refusal; }

 private:
  DeviceStore& m_store;
  std::string m_server_url;
  std::string m_server_ca_pem;
  std::optional<Enrolled> m_enrolled;
  std::optional<Refused> m_refusal;
};

}  // namespace iro
