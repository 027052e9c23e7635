#include "iro/protocol.hpp"

#include <type_traits>

#include "iro/document.hpp"
#include "iro/error.hpp"
#include "sync/binary_archive.hpp"
#include "sync/change_wire.hpp"

namespace iro {
namespace {

using wire::Author;
using wire::BinaryReader;
using wire::BinaryWriter;

// Message type bytes. Never renumbered; new messages take new numbers.
enum class MessageType : std::uint8_t {
  hello = 1,
  welcome = 2,
  refused = 3,
  wipe = 4,
  enrol = 5,
  enrolled = 6,
  push = 7,
  push_ack = 8,
  pull = 9,
  changes = 10,
  scope_changed = 11,
  ping = 12,
  pong = 13,
  blob_put = 14,
  blob_ack = 15,
  blob_get = 16,
  blob_data = 17,
};

constexpr std::size_t kMaxToken = 256;
constexpr std::size_t kMaxName = 200;
// The fewest bytes a push result or change entry can take.
constexpr std::size_t kMinPushResultBytes = 8 + 1 + 8 + 8 + 1 + 1 + 8;
constexpr std::size_t kMinEntryBytes = 8 + wire::kMinChangeBytes + 8;

// One overload per message: its type byte and fields, written and read in the same order.
struct MessageWriter {
  BinaryWriter& out;

  void operator()(const Hello& m) const {
    out.u8(std::uint8_t(MessageType::hello));
    out.string(m.device_id);
    out.string(m.device_token);
    out.u64(m.cursor);
    out.string(m.client);
    out.u64(m.scope_cursor);
    out.u64(m.outbox_size);
  }
  void operator()(const Welcome& m) const {
    out.u8(std::uint8_t(MessageType::welcome));
    out.string(m.user_id);
    out.string(m.tenant);
    out.u64(m.server_time_ms);
    out.u64(m.head_seq);
    out.string(m.timescale_policy);
    out.string({reinterpret_cast<const char*>(m.lease_secret.data()), m.lease_secret.size()});
    out.u64(m.lease_days);
  }
  void operator()(const Refused& m) const {
    out.u8(std::uint8_t(MessageType::refused));
    out.u8(std::uint8_t(m.code));
    out.string(m.reason);
  }
  void operator()(const Wipe& m) const {
    out.u8(std::uint8_t(MessageType::wipe));
    out.string(m.reason);
  }
  void operator()(const Enrol& m) const {
    out.u8(std::uint8_t(MessageType::enrol));
    out.string(m.code);
    out.string(m.device_id);
    out.string(m.device_name);
  }
  void operator()(const Enrolled& m) const {
    out.u8(std::uint8_t(MessageType::enrolled));
    out.string(m.device_id);
    out.string(m.device_token);
    out.string(m.user_id);
    out.string(m.tenant);
  }
  void operator()(const Push& m) const {
    out.u8(std::uint8_t(MessageType::push));
    out.u64(m.changes.size());
    for (const Change& change : m.changes) wire::write_change(out, change, Author::omitted);
  }
  void operator()(const PushAck& m) const {
    out.u8(std::uint8_t(MessageType::push_ack));
    out.u64(m.results.size());
    for (const PushResult& result : m.results) {
      out.u64(result.device_seq);
      out.u8(std::uint8_t(result.outcome));
      out.u64(result.server_seq);
      out.u64(result.hlc.packed);
      out.value(result.value);
      out.u8(result.document_known ? 1 : 0);
      out.string(result.reason);
    }
  }
  void operator()(const Pull& m) const {
    out.u8(std::uint8_t(MessageType::pull));
    out.u64(m.cursor);
    out.u64(m.limit);
  }
  void operator()(const Changes& m) const {
    out.u8(std::uint8_t(MessageType::changes));
    out.u64(m.entries.size());
    for (const ChangeEntry& entry : m.entries) {
      out.u64(entry.server_seq);
      wire::write_change(out, entry.change, Author::included);
    }
    out.u64(m.next_cursor);
    out.u8(m.more ? 1 : 0);
    out.u64(m.remaining);
  }
  void operator()(const ScopeChanged& m) const {
    out.u8(std::uint8_t(MessageType::scope_changed));
    out.u64(m.removed_children.size());
    for (const std::string& child : m.removed_children) out.string(child);
    out.u64(m.removed_at_seq);
  }
  void operator()(const Ping& m) const {
    out.u8(std::uint8_t(MessageType::ping));
    out.u64(m.nonce);
  }
  void operator()(const Pong& m) const {
    out.u8(std::uint8_t(MessageType::pong));
    out.u64(m.nonce);
  }
  void operator()(const BlobPut& m) const {
    out.u8(std::uint8_t(MessageType::blob_put));
    out.string(m.hash);
    out.u64(m.size);
    out.u64(m.offset);
    bytes(m.data);
  }
  void operator()(const BlobAck& m) const {
    out.u8(std::uint8_t(MessageType::blob_ack));
    out.string(m.hash);
    out.u64(m.received);
    out.u8(m.complete ? 1 : 0);
    out.string(m.refused);
  }
  void operator()(const BlobGet& m) const {
    out.u8(std::uint8_t(MessageType::blob_get));
    out.string(m.hash);
    out.u64(m.offset);
  }
  void operator()(const BlobData& m) const {
    out.u8(std::uint8_t(MessageType::blob_data));
    out.string(m.hash);
    out.u64(m.size);
    out.u64(m.offset);
    bytes(m.data);
    out.string(m.refused);
  }
  void bytes(const Bytes& data) const {
    out.string({reinterpret_cast<const char*>(data.data()), data.size()});
  }
};

bool read_flag(BinaryReader& in, std::string_view name) {
  const std::uint8_t flag = in.u8();
  if (flag > 1) in.corrupt(std::string(name) + " is " + std::to_string(flag));
  return flag == 1;
}

std::string read_blob_hash(BinaryReader& in) {
  std::string hash = in.string(64, "a blob hash");
  if (!is_blob_hash(hash)) in.corrupt("a blob hash is not 64 lower-case hex digits");
  return hash;
}

std::uint64_t read_blob_size(BinaryReader& in) {
  const std::uint64_t size = in.u64();
  if (size > kMaxBlobBytes) in.corrupt("a blob of " + std::to_string(size) + " bytes");
  return size;
}

Bytes read_blob_chunk(BinaryReader& in) {
  const std::string data = in.string(kBlobChunkBytes, "a blob chunk");
  return Bytes(data.begin(), data.end());
}

// The chunk must lie within the blob.
void check_chunk_fits(BinaryReader& in, std::uint64_t size, std::uint64_t offset,
                      const Bytes& data) {
  if (offset > size || data.size() > size - offset) {
    in.corrupt("a blob chunk beyond the blob's " + std::to_string(size) + " bytes");
  }
}

Message read_message(BinaryReader& in) {
  const std::uint8_t type = in.u8();
  switch (static_cast<MessageType>(type)) {
    case MessageType::hello: {
      Hello m;
      m.device_id = in.string(wire::kMaxWireId, "the device id");
      m.device_token = in.string(kMaxToken, "the device token");
      m.cursor = in.u64();
      m.client = in.string(kMaxName, "the client name");
      if (in.remaining() > 0) m.scope_cursor = in.u64();
      if (in.remaining() > 0) m.outbox_size = in.u64();
      return m;
    }
    case MessageType::welcome: {
      Welcome m;
      m.user_id = in.string(wire::kMaxWireId, "the user id");
      m.tenant = in.string(wire::kMaxWireId, "the tenant");
      m.server_time_ms = in.u64();
      m.head_seq = in.u64();
      m.timescale_policy = in.string(wire::kMaxWireId, "the timescale policy");
      const std::string secret = in.string(kLeaseSecretBytes, "the lease secret");
      m.lease_secret.assign(secret.begin(), secret.end());
      m.lease_days = in.u64();
      if (m.lease_days > std::uint64_t(kMaxLeaseDays)) {
        in.corrupt("a lease of " + std::to_string(m.lease_days) + " days");
      }
      if (!m.lease_secret.empty() && m.lease_secret.size() != kLeaseSecretBytes) {
        in.corrupt("a lease secret of " + std::to_string(m.lease_secret.size()) + " bytes");
      }
      if (m.lease_secret.empty() != (m.lease_days == 0)) {
        in.corrupt("a lease secret without days, or days without a secret");
      }
      return m;
    }
    case MessageType::refused: {
      Refused m;
      const std::uint8_t code = in.u8();
      if (code < 1 || code > std::uint8_t(RefusalCode::overloaded)) {
        in.corrupt("unknown refusal code " + std::to_string(code));
      }
      m.code = static_cast<RefusalCode>(code);
      m.reason = in.string(wire::kMaxWireReason, "the reason");
      return m;
    }
    case MessageType::wipe:
      return Wipe{in.string(wire::kMaxWireReason, "the reason")};
    case MessageType::enrol: {
      Enrol m;
      m.code = in.string(kMaxToken, "the enrolment code");
      m.device_id = in.string(wire::kMaxWireId, "the device id");
      m.device_name = in.string(kMaxName, "the device name");
      return m;
    }
    case MessageType::enrolled: {
      Enrolled m;
      m.device_id = in.string(wire::kMaxWireId, "the device id");
      m.device_token = in.string(kMaxToken, "the device token");
      m.user_id = in.string(wire::kMaxWireId, "the user id");
      m.tenant = in.string(wire::kMaxWireId, "the tenant");
      return m;
    }
    case MessageType::push: {
      Push m;
      const std::size_t count = in.count(kMaxChangesPerMessage, wire::kMinChangeBytes, "a push");
      m.changes.reserve(count);
      for (std::size_t i = 0; i < count; ++i) {
        m.changes.push_back(wire::read_change(in, Author::omitted));
      }
      return m;
    }
    case MessageType::push_ack: {
      PushAck m;
      const std::size_t count = in.count(kMaxChangesPerMessage, kMinPushResultBytes, "a push ack");
      m.results.reserve(count);
      for (std::size_t i = 0; i < count; ++i) {
        PushResult& result = m.results.emplace_back();
        result.device_seq = in.u64();
        const std::uint8_t outcome = in.u8();
        if (outcome > std::uint8_t(PushOutcome::refused)) {
          in.corrupt("unknown push outcome " + std::to_string(outcome));
        }
        result.outcome = static_cast<PushOutcome>(outcome);
        result.server_seq = in.u64();
        result.hlc.packed = in.u64();
        result.value = in.value();
        result.document_known = read_flag(in, "a document-known flag");
        result.reason = in.string(wire::kMaxWireReason, "the reason");
      }
      return m;
    }
    case MessageType::pull: {
      Pull m;
      m.cursor = in.u64();
      const std::uint64_t limit = in.u64();
      if (limit == 0 || limit > kMaxChangesPerMessage) {
        in.corrupt("a pull limit of " + std::to_string(limit));
      }
      m.limit = static_cast<std::uint32_t>(limit);
      return m;
    }
    case MessageType::changes: {
      Changes m;
      const std::size_t count = in.count(kMaxChangesPerMessage, kMinEntryBytes, "a changes page");
      m.entries.reserve(count);
      for (std::size_t i = 0; i < count; ++i) {
        ChangeEntry& entry = m.entries.emplace_back();
        entry.server_seq = in.u64();
        entry.change = wire::read_change(in, Author::included);
      }
      m.next_cursor = in.u64();
      m.more = read_flag(in, "the more flag");
      m.remaining = in.u64();
      return m;
    }
    case MessageType::scope_changed: {
      ScopeChanged m;
      const std::size_t count = in.count(kMaxChangesPerMessage, 8, "a scope change");
      for (std::size_t i = 0; i < count; ++i) {
        m.removed_children.push_back(in.string(wire::kMaxWireId, "a child id"));
        if (!is_valid_child_id(m.removed_children.back())) in.corrupt("a child id is not valid");
      }
      m.removed_at_seq = in.u64();
      return m;
    }
    case MessageType::ping:
      return Ping{in.u64()};
    case MessageType::pong:
      return Pong{in.u64()};
    case MessageType::blob_put: {
      BlobPut m;
      m.hash = read_blob_hash(in);
      m.size = read_blob_size(in);
      m.offset = in.u64();
      m.data = read_blob_chunk(in);
      check_chunk_fits(in, m.size, m.offset, m.data);
      return m;
    }
    case MessageType::blob_ack: {
      BlobAck m;
      m.hash = read_blob_hash(in);
      m.received = read_blob_size(in);
      m.complete = read_flag(in, "the complete flag");
      m.refused = in.string(wire::kMaxWireReason, "the reason");
      return m;
    }
    case MessageType::blob_get: {
      BlobGet m;
      m.hash = read_blob_hash(in);
      m.offset = read_blob_size(in);
      return m;
    }
    case MessageType::blob_data: {
      BlobData m;
      m.hash = read_blob_hash(in);
      m.size = read_blob_size(in);
      m.offset = in.u64();
      m.data = read_blob_chunk(in);
      check_chunk_fits(in, m.size, m.offset, m.data);
      m.refused = in.string(wire::kMaxWireReason, "the reason");
      return m;
    }
  }
  in.corrupt("unknown message type " + std::to_string(type));
}

}  // namespace

std::string_view message_name(const Message& message) noexcept {
  static constexpr std::string_view kNames[] = {
      "Hello", "Welcome", "Refused", "Wipe",    "Enrol",        "Enrolled",
      "Push",  "PushAck", "Pull",    "Changes", "ScopeChanged", "Ping",
      "Pong",  "BlobPut", "BlobAck", "BlobGet", "BlobData"};
  static_assert(std::size(kNames) == std::variant_size_v<Message>);
  return kNames[message.index()];
}

Bytes encode_message(const Message& message) {
  Bytes out;
  {
    BinaryWriter writer(out, kProtocolVersion);
    std::visit(MessageWriter{writer}, message);
  }
  return out;
}

Message decode_message(std::span<const std::uint8_t> frame) {
  if (frame.size() > kMaxFrameBytes) {
    throw Error(ErrorCode::corrupt_data, "a message of " + std::to_string(frame.size()) +
                                             " bytes is over the " +
                                             std::to_string(kMaxFrameBytes) + "-byte limit");
  }
  return wire::guarded([&] {
    BinaryReader reader(frame, kProtocolVersion, "a message");
    Message message = read_message(reader);
    reader.expect_end();
    return message;
  });
}

}  // namespace iro
