// The sync protocol's messages (docs/wire-format.md). Each WebSocket binary
// frame carries one message: the protocol version byte, then a cereal
// portable binary archive (little-endian) holding a type byte and the
// message's fields. Byte layout: docs/wire-format.md.
//
// A session: the device sends Hello (or Enrol, once, to get a token); the
// server answers Welcome, Refused or Wipe. Then the device pushes its outbox
// (Push -> PushAck, idempotent on device_id + device_seq) and pulls what it
// has not seen (Pull -> Changes, paged by cursor). Once caught up, the server
// sends Changes as they are committed, and ScopeChanged when a child leaves
// the IRO's caseload. Ping/Pong keeps idle sessions alive.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "iro/blob.hpp"
#include "iro/change.hpp"
#include "iro/codec.hpp"

namespace iro {

// Version history of the sync protocol:
//   1  first version: Hello, Welcome (with the council's timescale policy
//      and the offline lease), Refused, Wipe, Enrol, Enrolled, Push, PushAck,
//      Pull, Changes, ScopeChanged, Ping, Pong. (The lease joined Welcome
//      before any release, so the version did not change; so did the
//      attachment messages BlobPut, BlobAck, BlobGet and BlobData.)
// Refused keeps its layout in every version, so a peer can always explain a
// version mismatch in words the other understands.
inline constexpr std::uint8_t kProtocolVersion = 1;

// The largest frame either side sends or accepts.
inline constexpr std::size_t kMaxFrameBytes = 4 * 1024 * 1024;

// The offline lease's bounds (Welcome).
inline constexpr std::size_t kLeaseSecretBytes = 32;
inline constexpr int kMaxLeaseDays = 90;

struct Hello {
  std::string device_id;
  std::string device_token;
  std::uint64_t cursor = 0;  // the last server sequence number the device applied
  std::string client;        // "iro-cli 0.1.0", for logs
  // The removed_at_seq of the last ScopeChanged the device has recorded: the
  // server tells it again of every child that left its scope after this, so a
  // ScopeChanged lost with a dropped line is never missed. Optional on the
  // wire (a device that predates it sends none: 0, told of every removal).
  std::uint64_t scope_cursor = 0;
  // Changes in the device's outbox as it connects: the managers' dashboard
  // shows a device whose changes keep not arriving. Optional on the wire
  // (after scope_cursor; a device that predates it sends none: 0).
  std::uint64_t outbox_size = 0;
  bool operator==(const Hello&) const = default;
};

struct Welcome {
  std::string user_id;
  std::string tenant;
  std::uint64_t server_time_ms = 0;  // lets the device see how far its clock is off
  std::uint64_t head_seq = 0;        // the newest server sequence number
  // The council's review timescales (a TimescalePolicy name: "statutory",
  // "herefordshire"...), which the device computes due dates by offline.
  std::string timescale_policy;
  // The offline lease (docs/security.md): the device's encrypted store may
  // stay unlocked for `lease_days` days from this sync, and only
  // `lease_secret` (kLeaseSecretBytes bytes, the same for a device at every
  // sync) unlocks it once that has passed. Empty and 0: no lease granted.
  Bytes lease_secret;
  std::uint64_t lease_days = 0;  // at most kMaxLeaseDays
  bool operator==(const Welcome&) const = default;
};

enum class RefusalCode : std::uint8_t {
  unsupported_version = 1,
  malformed = 2,     // undecodable bytes, a text frame, a message out of order
  too_large = 3,     // a frame or batch over the limits
  bad_token = 4,     // unknown device token (or device id that does not match it)
  bad_code = 5,      // unknown, expired or used enrolment code
  not_allowed = 6,   // authenticated, but this is not permitted
  server_error = 7,  // the server failed; retry later
  overloaded = 8,    // too busy; retry later
};

struct Refused {
  RefusalCode code = RefusalCode::malformed;
  std::string reason;  // one line for the person holding the device
  bool operator==(const Refused&) const = default;
};

// The device was revoked (lost or stolen): delete every local record.
struct Wipe {
  std::string reason;
  bool operator==(const Wipe&) const = default;
};

struct Enrol {
  std::string code;       // the one-time code an admin issued
  std::string device_id;  // the id the device store made for itself
  std::string device_name;
  bool operator==(const Enrol&) const = default;
};

struct Enrolled {
  std::string device_id;
  std::string device_token;  // the secret the device presents in every Hello
  std::string user_id;
  std::string tenant;
  bool operator==(const Enrolled&) const = default;
};

// Device -> server. Changes carry no device_id on the wire: the session's
// authenticated device is the author, so one device cannot write as another.
struct Push {
  std::vector<Change> changes;
  bool operator==(const Push&) const = default;
};

enum class PushOutcome : std::uint8_t {
  accepted = 0,  // the change is now the server's value (server_seq, hlc as stamped)
  merged = 1,    // the server keeps `value`; the device adopts it
  conflict =
      2,  // overlapping text: the server kept its value and recorded the device's as a conflict
  refused =
      3,  // not applied (reason); `value` is the server's, document_known says if it has the record
};

struct PushResult {
  std::uint64_t device_seq = 0;
  PushOutcome outcome = PushOutcome::accepted;
  std::uint64_t server_seq = 0;  // the version of the field now on the server (0: none)
  Hlc hlc;                       // the field's timestamp on the server
  Value value;                   // the field's value on the server (merged, conflict, refused)
  bool document_known = true;    // false when the server has no such record at all
  std::string reason;            // refused: why
  bool operator==(const PushResult&) const = default;
};

struct PushAck {
  std::vector<PushResult> results;  // one per pushed change, in order
  bool operator==(const PushAck&) const = default;
};

struct Pull {
  std::uint64_t cursor = 0;
  std::uint32_t limit = 500;
  bool operator==(const Pull&) const = default;
};

struct ChangeEntry {
  std::uint64_t server_seq = 0;
  Change change;  // the field's current value on the server; device_id is its author
  bool operator==(const ChangeEntry&) const = default;
};

struct Changes {
  std::vector<ChangeEntry> entries;
  std::uint64_t next_cursor = 0;  // pull from here next
  bool more = false;              // more entries wait beyond this page
  std::uint64_t remaining = 0;    // how many (for "N of M" progress)
  bool operator==(const Changes&) const = default;
};

// Children that left this IRO's caseload: push what you have for them, then purge them.
struct ScopeChanged {
  std::vector<std::string> removed_children;
  std::uint64_t removed_at_seq = 0;
  bool operator==(const ScopeChanged&) const = default;
};

struct Ping {
  std::uint64_t nonce = 0;
  bool operator==(const Ping&) const = default;
};

struct Pong {
  std::uint64_t nonce = 0;
  bool operator==(const Pong&) const = default;
};

// Attachments (blob.hpp) travel apart from records, chunk by chunk.
// Device -> server: `data` holds the blob's bytes from `offset` (at most
// kBlobChunkBytes). Empty data at offset 0 asks how much the server has, so
// an upload cut short resumes. The server answers every BlobPut with BlobAck.
struct BlobPut {
  std::string hash;  // SHA-256 of the whole blob, 64 lower-case hex digits
  std::uint64_t size = 0;
  std::uint64_t offset = 0;
  Bytes data;
  bool operator==(const BlobPut&) const = default;
};

struct BlobAck {
  std::string hash;
  std::uint64_t received = 0;  // bytes the server holds: send from here
  bool complete = false;       // the server has the whole blob and it matched its hash
  std::string refused;         // not empty: the server will not take this blob (why)
  bool operator==(const BlobAck&) const = default;
};

// Device -> server: send me this blob from `offset`. Only a blob a record in
// the device's scope points at is sent.
struct BlobGet {
  std::string hash;
  std::uint64_t offset = 0;
  bool operator==(const BlobGet&) const = default;
};

struct BlobData {
  std::string hash;
  std::uint64_t size = 0;  // the whole blob's
  std::uint64_t offset = 0;
  Bytes data;           // at most kBlobChunkBytes from `offset`
  std::string refused;  // not empty: not sent (unknown, not yet complete, out of scope)
  bool operator==(const BlobData&) const = default;
};

using Message =
    std::variant<Hello, Welcome, Refused, Wipe, Enrol, Enrolled, Push, PushAck, Pull, Changes,
                 ScopeChanged, Ping, Pong, BlobPut, BlobAck, BlobGet, BlobData>;

// The message's name, e.g. "PushAck", for logs and errors.
std::string_view message_name(const Message& message) noexcept;

Bytes encode_message(const Message& message);

// Throws Error(unsupported_version) for another protocol version and
// Error(corrupt_data) for anything that is not a well-formed message.
Message decode_message(std::span<const std::uint8_t> frame);

// Limits a decoder enforces on counts inside one message.
inline constexpr std::size_t kMaxChangesPerMessage = 10'000;

}  // namespace iro
