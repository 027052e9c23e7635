// The device-side WebSocket transport, for hosts that want one (the `iro`
// command line, and mobile hosts through the bridge): it connects to the
// server, drives the core's sans-IO sessions (sync_session.hpp) over
// Boost.Beast, and reconnects with backoff after a network failure, resuming
// from the store's cursor and outbox. No Beast in this header.
//
// Blocking: each call runs its own io_context on the calling thread.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "iro/server_url.hpp"
#include "iro/store.hpp"
#include "iro/sync_events.hpp"
#include "iro/sync_session.hpp"

namespace iro::transport {

// The address and its rule (wss:// except to this machine) are core's
// (iro/server_url.hpp): enrolment and every sync parse the address with it
// before they connect.
using ::iro::parse_server_url;
using ::iro::ServerAddress;

struct TransportOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  // No frame from the server for this long (pings included) ends the connection.
  std::chrono::milliseconds idle_timeout{60'000};
  // Connections tried before giving up (network failures and "try later"
  // refusals only). A follower instead keeps reconnecting until its window ends.
  int max_attempts = 5;
  std::chrono::milliseconds first_backoff{250};
  std::chrono::milliseconds max_backoff{10'000};
  // Sync only: after catching up, stay live until this much time has passed
  // since the call (0: return at once), applying changes as the server sends
  // them and pushing local edits (made by this or another process) every
  // `flush_every`; a dropped connection is resumed from the store's cursor.
  std::chrono::milliseconds follow_for{0};
  std::chrono::milliseconds flush_every{1'000};
  std::string client_name = "iro";
  std::string device_name = "iro command line";
  // The server's CA certificate (PEM file) for wss://. Enrolment keeps it in
  // the store and later syncs trust that CA alone; given to a sync, it
  // replaces the stored one for that call. Empty at enrolment: the system's roots.
  std::string ca_cert_path;
  // Called after each message that moved the sync on (on the calling thread).
  std::function<void(const SyncProgress&)> on_progress;
  // Called after each step that changed the store (on the calling thread).
  SyncEventSink on_event;
  // Polled about every 100 ms, and between attempts: true ends the call as
  // soon as it can (a follower closes its connection normally). The outbox
  // and cursor are in the store, so nothing is lost.
  std::function<bool()> stop_requested;
};

enum class SyncResult {
  synced,       // everything pushed and pulled (and followed, if asked)
  refused,      // the server refused the session, or could not be trusted (its
                // certificate failed verification, TLS on one side only);
                // `message` says why; not retried
  wiped,        // the device was revoked: the caller must delete the store now
  unreachable,  // no session completed within max_attempts; the outbox is kept
  cancelled,    // stop_requested said so before the device caught up
};

struct SyncReport {
  SyncResult result = SyncResult::unreachable;
  std::string message;
  SyncProgress progress;
  int attempts = 0;
};

// Syncs the store with its enrolled server. The store records the outcome
// (status shows the last error and a stuck outbox).
SyncReport sync_with_server(DeviceStore& store, const TransportOptions& options);

struct EnrolReport {
  bool enrolled = false;
  bool refused = false;    // the server said no (an unknown, used or expired code),
                           // or could not be trusted (as SyncResult::refused)
  bool cancelled = false;  // stop_requested said so
  std::string message;     // why not, when not
  Enrolled details;
};

EnrolReport enrol_with_server(DeviceStore& store, std::string_view server_url,
                              std::string_view code, const TransportOptions& options);

}  // namespace iro::transport
