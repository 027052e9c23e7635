#include "iro/protocol.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <random>
#include <set>

#include "iro/error.hpp"
#include "support/hex.hpp"

using namespace iro;
using iro::test::hex;

namespace {

constexpr const char* kDocId = "01890a5d-ac96-774b-bcce-b302099a8057";
constexpr const char* kOtherDocId = "01890a5d-ac96-774b-bcce-b302099a8058";
// SHA-256 of "drawing".
constexpr const char* kBlobHash =
    "6d5a9c9a4a1e4e8f8e5dd2b1f4f50d3f0a8e0e9f5b0d5b8f8b9a6c0c9a2d9e1f";

Change field_change(std::string field, Value value, std::uint64_t device_seq) {
  Change change;
  change.doc_id = kDocId;
  change.kind = Kind::visit;
  change.child_id = "C-1042";
  change.op = ChangeOp::set_field;
  change.field = std::move(field);
  change.value = std::move(value);
  change.hlc = Hlc::from_parts(1'714'550'400'000 + device_seq, std::uint16_t(device_seq));
  change.device_seq = device_seq;
  change.base = 100 + device_seq;
  return change;
}

Change whole_document_change(ChangeOp op, std::uint64_t device_seq) {
  Change change = field_change("", Value{}, device_seq);
  change.doc_id = kOtherDocId;
  change.op = op;
  return change;
}

// A push with a change of every value type, a cleared field and a delete. The
// codec does not check fields against the model, so any integer travels.
// Changes in a push carry no device_id (the session names the author).
Push sample_push() {
  return Push{{field_change("note", std::string("Met Zoë at school 👍\nShe was happy"), 1),
               field_change("seen_alone", true, 2), field_change("part", std::int64_t{-3}, 3),
               field_change("date", *Date::parse("2024-02-29"), 4),
               field_change("actions", StringSet{"call carer", "write letter"}, 5),
               field_change("place", Value{}, 6),
               whole_document_change(ChangeOp::delete_document, 7)}};
}

PushAck sample_push_ack() {
  PushAck ack;
  ack.results.push_back(
      {1, PushOutcome::accepted, 501, Hlc::from_parts(1'714'550'400'001, 1), Value{}, true, ""});
  ack.results.push_back({2, PushOutcome::merged, 502, Hlc::from_parts(1'714'550'400'002, 0),
                         StringSet{"carer", "iro"}, true, ""});
  ack.results.push_back({3, PushOutcome::conflict, 503, Hlc::from_parts(1'714'550'400'003, 9),
                         std::string("the server's text"), true, ""});
  ack.results.push_back(
      {4, PushOutcome::refused, 0, Hlc{}, Value{}, false, "the record was deleted by the council"});
  return ack;
}

// A page from the server: entries carry their author's device id.
Changes sample_changes() {
  Changes changes;
  Change edit = field_change("note", std::string("Written on the laptop"), 9);
  edit.device_id = "laptop-7";
  Change deletion = whole_document_change(ChangeOp::delete_document, 10);
  deletion.device_id = "tablet-2";
  Change restore = whole_document_change(ChangeOp::restore_document, 11);
  restore.device_id = "server";
  changes.entries = {{41, edit}, {42, deletion}, {43, restore}};
  changes.next_cursor = 43;
  changes.more = true;
  changes.remaining = 1'250;
  return changes;
}

// One message of every type, each field away from its default.
std::vector<Message> sample_messages() {
  return {
      Hello{"9c1b7a52-3f0e-4c5e-8d1a-6f2b9e4d0a11", "tok-0123456789abcdef", 42, "iro-cli 0.1.0", 31,
            5},
      Welcome{"iro-anna", "sunderland", 1'714'550'400'123, 987, "sunderland", Bytes(32, 0xa5), 14},
      Refused{RefusalCode::bad_token, "this device was not recognised"},
      Wipe{"reported lost on 2024-05-01"},
      Enrol{"ABCD-1234", "9c1b7a52-3f0e-4c5e-8d1a-6f2b9e4d0a11", "Anna's tablet"},
      Enrolled{"9c1b7a52-3f0e-4c5e-8d1a-6f2b9e4d0a11", "tok-0123456789abcdef", "iro-anna",
               "sunderland"},
      sample_push(),
      sample_push_ack(),
      Pull{77, 250},
      sample_changes(),
      ScopeChanged{{"C-1042", "C-2001"}, 9'000},
      Ping{0x0102030405060708},
      Pong{0xfedcba9876543210},
      BlobPut{kBlobHash, 300'000, 262'144, Bytes{1, 2, 3}},
      BlobAck{kBlobHash, 262'144, false, ""},
      BlobGet{kBlobHash, 262'144},
      BlobData{kBlobHash, 300'000, 262'144, Bytes{0, 255}, ""},
  };
}

Bytes from_hex(std::string_view text) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < text.size(); i += 2) {
    out.push_back(std::uint8_t(std::stoi(std::string(text.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// The error decoding `frame` throws; nullopt (and a failed check) when it decodes.
std::optional<Error> decode_error(std::span<const std::uint8_t> frame) {
  try {
    const Message message = decode_message(frame);
    FAIL_CHECK("decoded as ", message_name(message));
  } catch (const Error& error) {
    return error;
  }
  return std::nullopt;
}

ErrorCode decode_error_code(std::span<const std::uint8_t> frame) {
  const auto error = decode_error(frame);
  return error ? error->code() : ErrorCode::internal;
}

std::string decode_error_text(std::span<const std::uint8_t> frame) {
  const auto error = decode_error(frame);
  return error ? error->what() : "";
}

// A frame of the given type byte followed by `tail`.
Bytes frame_of_type(std::uint8_t type, const Bytes& tail = {}) {
  Bytes frame;
  frame.reserve(3 + tail.size());
  frame.push_back(kProtocolVersion);
  frame.push_back(0x01);  // cereal: little-endian
  frame.push_back(type);
  for (const std::uint8_t byte : tail) frame.push_back(byte);
  return frame;
}

Bytes u64_bytes(std::uint64_t number) {
  Bytes out;
  for (int i = 0; i < 8; ++i) out.push_back(std::uint8_t(number >> (8 * i)));
  return out;
}

void check_every_truncation_is_corrupt(const Bytes& frame) {
  for (std::size_t length = 0; length < frame.size(); ++length) {
    CAPTURE(length);
    CHECK(decode_error_code(std::span(frame.data(), length)) == ErrorCode::corrupt_data);
  }
}

}  // namespace

TEST_CASE("every message type round-trips through encode_message and decode_message") {
  const std::vector<Message> messages = sample_messages();
  std::set<std::size_t> types;
  for (const Message& message : messages) {
    CAPTURE(message_name(message));
    types.insert(message.index());
    CHECK(decode_message(encode_message(message)) == message);
  }
  CHECK(types.size() == std::variant_size_v<Message>);
}

TEST_CASE("every refusal code and push outcome round-trips") {
  for (std::uint8_t code = 1; code <= std::uint8_t(RefusalCode::overloaded); ++code) {
    const Refused refused{static_cast<RefusalCode>(code), "reason " + std::to_string(code)};
    CHECK(decode_message(encode_message(refused)) == Message{refused});
  }
  for (const PushOutcome outcome :
       {PushOutcome::accepted, PushOutcome::merged, PushOutcome::conflict, PushOutcome::refused}) {
    PushAck ack;
    ack.results.push_back(
        {7, outcome, 70, Hlc::from_parts(5, 6), std::int64_t{8}, false, "why not"});
    CHECK(decode_message(encode_message(ack)) == Message{ack});
  }
  for (const bool more : {false, true}) {
    Changes changes = sample_changes();
    changes.more = more;
    CHECK(decode_message(encode_message(changes)) == Message{changes});
  }
}

TEST_CASE("a push leaves the author's device id off the wire") {
  Push push = sample_push();
  for (Change& change : push.changes) change.device_id = "someone-else";
  const Message decoded = decode_message(encode_message(push));
  REQUIRE(std::holds_alternative<Push>(decoded));
  for (const Change& change : std::get<Push>(decoded).changes) CHECK(change.device_id.empty());
  CHECK(decoded == Message{sample_push()});
}

// The primitives follow docs/wire-format.md (version byte, cereal's endianness
// byte, fixed-width little-endian numbers, u64-length strings); the type bytes
// and field order are those of core/src/sync/protocol.cpp, which the doc does
// not yet describe.
TEST_CASE("a pull is exactly the expected bytes") {
  const std::string expected =
      "01"                 // protocol version
      "01"                 // cereal: little-endian
      "09"                 // type: Pull
      "0500000000000000"   // cursor 5
      "f401000000000000";  // limit 500, written as a u64
  CHECK(hex(encode_message(Pull{5, 500})) == expected);
  CHECK(decode_message(from_hex(expected)) == Message{Pull{5, 500}});
}

TEST_CASE("a ping and a pong are exactly the expected bytes") {
  CHECK(hex(encode_message(Ping{0x0102030405060708})) ==
        "01"
        "01"
        "0c"                  // type: Ping
        "0807060504030201");  // nonce, little-endian
  CHECK(hex(encode_message(Pong{42})) ==
        "01"
        "01"
        "0d"  // type: Pong
        "2a00000000000000");
}

TEST_CASE("a refusal is exactly the expected bytes") {
  // Refused keeps this layout in every protocol version.
  const std::string expected =
      "01"
      "01"
      "03"                // type: Refused
      "04"                // code: bad_token
      "0200000000000000"  // reason length 2
      "6e6f";             // "no"
  CHECK(hex(encode_message(Refused{RefusalCode::bad_token, "no"})) == expected);
}

TEST_CASE("a welcome is exactly the expected bytes, the offline lease last") {
  const std::string secret_hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
  const std::string expected =
      "01"
      "01"
      "02"                          // type: Welcome
      "0100000000000000"            // user_id length 1
      "75"                          // "u"
      "0100000000000000"            // tenant length 1
      "74"                          // "t"
      "0500000000000000"            // server_time_ms 5
      "0900000000000000"            // head_seq 9
      "0d00000000000000"            // timescale_policy length 13
      "68657265666f72647368697265"  // "herefordshire"
      "2000000000000000"            // lease_secret length 32
      + secret_hex +                // the secret
      "0e00000000000000";           // lease_days 14
  const Welcome welcome{"u", "t", 5, 9, "herefordshire", from_hex(secret_hex), 14};
  CHECK(hex(encode_message(welcome)) == expected);
  CHECK(decode_message(from_hex(expected)) == Message{welcome});

  // No lease: an empty secret and 0 days.
  const Welcome no_lease{"u", "t", 5, 9, "statutory", {}, 0};
  CHECK(hex(encode_message(no_lease))
            .ends_with("0000000000000000"
                       "0000000000000000"));
  CHECK(decode_message(encode_message(no_lease)) == Message{no_lease});
}

TEST_CASE("a welcome's lease out of bounds is corrupt") {
  CHECK(decode_error_text(encode_message(Welcome{"u", "t", 5, 9, "s", Bytes(32, 1), 91})) ==
        "a message is corrupt: a lease of 91 days");
  CHECK(decode_error_text(encode_message(Welcome{"u", "t", 5, 9, "s", Bytes(31, 1), 14})) ==
        "a message is corrupt: a lease secret of 31 bytes");
  CHECK(decode_error_code(encode_message(Welcome{"u", "t", 5, 9, "s", Bytes(33, 1), 14})) ==
        ErrorCode::corrupt_data);
  CHECK(decode_error_code(encode_message(Welcome{"u", "t", 5, 9, "s", Bytes(32, 1), 0})) ==
        ErrorCode::corrupt_data);
  CHECK(decode_error_code(encode_message(Welcome{"u", "t", 5, 9, "s", {}, 14})) ==
        ErrorCode::corrupt_data);
  CHECK(decode_message(encode_message(Welcome{"u", "t", 5, 9, "s", Bytes(32, 1), 90})) ==
        Message{Welcome{"u", "t", 5, 9, "s", Bytes(32, 1), 90}});
}

TEST_CASE("a push ack result is exactly the expected bytes") {
  PushAck ack;
  ack.results.push_back({3, PushOutcome::merged, 9, Hlc{0x0102}, true, false, "x"});
  CHECK(hex(encode_message(ack)) ==
        "01"
        "01"
        "08"                // type: PushAck
        "0100000000000000"  // one result
        "0300000000000000"  // device_seq 3
        "01"                // outcome: merged
        "0900000000000000"  // server_seq 9
        "0201000000000000"  // hlc
        "0101"              // value: yes/no, yes
        "00"                // document_known: false
        "0100000000000000"
        "78");  // reason "x"
}

TEST_CASE("every truncation of a push is refused as corrupt") {
  check_every_truncation_is_corrupt(encode_message(sample_push()));
}

TEST_CASE("every truncation of a changes page is refused as corrupt") {
  check_every_truncation_is_corrupt(encode_message(sample_changes()));
}

TEST_CASE("trailing bytes after a message are refused") {
  for (const Message& message : sample_messages()) {
    CAPTURE(message_name(message));
    Bytes frame = encode_message(message);
    frame.push_back(0);
    CHECK(decode_error_text(frame) == "a message is corrupt: 1 unexpected bytes follow it");
  }
}

TEST_CASE("another protocol version is refused naming both versions") {
  Bytes frame = encode_message(Ping{1});
  frame[0] = 2;
  const auto error = decode_error(frame);
  REQUIRE(error.has_value());
  CHECK(error->code() == ErrorCode::unsupported_version);
  CHECK(std::string(error->what()) == "a message has format version 2; this build reads version 1");

  frame[0] = 0;
  CHECK(decode_error_code(frame) == ErrorCode::unsupported_version);
}

TEST_CASE("an empty frame, a damaged header and an unknown message type are corrupt") {
  CHECK(decode_error_code(Bytes{}) == ErrorCode::corrupt_data);
  CHECK(decode_error_text(Bytes{}) == "a message is empty");
  CHECK(decode_error_text(Bytes{kProtocolVersion}) == "a message has a damaged header");
  CHECK(decode_error_text(Bytes{kProtocolVersion, 0x00, 12, 0, 0, 0, 0, 0, 0, 0, 0}) ==
        "a message has a damaged header");  // a big-endian marker
  CHECK(decode_error_text(frame_of_type(0)) == "a message is corrupt: unknown message type 0");
  CHECK(decode_error_text(frame_of_type(18, u64_bytes(1))) ==
        "a message is corrupt: unknown message type 18");
  CHECK(decode_error_code(frame_of_type(255)) == ErrorCode::corrupt_data);
  CHECK(decode_error_code(Bytes{kProtocolVersion, 0x01}) == ErrorCode::corrupt_data);
}

TEST_CASE("unknown refusal codes, push outcomes and flags are corrupt") {
  CHECK(decode_error_text(frame_of_type(3, {0, 0, 0, 0, 0, 0, 0, 0, 0})) ==
        "a message is corrupt: unknown refusal code 0");
  CHECK(decode_error_text(frame_of_type(3, {9, 0, 0, 0, 0, 0, 0, 0, 0})) ==
        "a message is corrupt: unknown refusal code 9");

  PushAck ack;
  ack.results.push_back({1, PushOutcome::accepted, 1, Hlc{1}, Value{}, true, ""});
  Bytes bad_outcome = encode_message(ack);
  const std::size_t outcome = 3 + 8 + 8;  // header, type, count, device_seq
  bad_outcome[outcome] = 4;
  CHECK(decode_error_text(bad_outcome) == "a message is corrupt: unknown push outcome 4");

  Bytes bad_known = encode_message(ack);
  const std::size_t known = outcome + 1 + 8 + 8 + 1;  // outcome, server_seq, hlc, unset value
  bad_known[known] = 2;
  CHECK(decode_error_text(bad_known) == "a message is corrupt: a document-known flag is 2");

  Changes changes;
  changes.next_cursor = 3;
  Bytes bad_more = encode_message(changes);
  bad_more[3 + 8 + 8] = 7;  // header, type, count, next_cursor
  CHECK(decode_error_text(bad_more) == "a message is corrupt: the more flag is 7");
}

TEST_CASE("counts that claim more items than the bytes could hold are refused before allocating") {
  const std::uint64_t huge = std::uint64_t{1} << 60;
  CHECK(decode_error_text(frame_of_type(7, u64_bytes(huge))) ==
        "a message is corrupt: a push claims 1152921504606846976 members");
  CHECK(decode_error_text(frame_of_type(8, u64_bytes(huge))) ==
        "a message is corrupt: a push ack claims 1152921504606846976 members");
  CHECK(decode_error_text(frame_of_type(10, u64_bytes(huge))) ==
        "a message is corrupt: a changes page claims 1152921504606846976 members");
  CHECK(decode_error_text(frame_of_type(11, u64_bytes(huge))) ==
        "a message is corrupt: a scope change claims 1152921504606846976 members");

  // A plausible count, but more changes than the bytes of one could hold
  // (each change takes at least 51 bytes; this one takes 108).
  Push push;
  push.changes = {field_change("note", std::string("one"), 1)};
  Bytes overclaimed = encode_message(push);
  overclaimed[3] = 3;
  CHECK(decode_error_text(overclaimed) == "a message is corrupt: a push claims 3 members");
  // A claim the bytes could back is read until they run out.
  overclaimed[3] = 2;
  CHECK(decode_error_text(overclaimed) == "a message is corrupt: it ends early");

  // More than a message may carry, even with the bytes to back the claim.
  Bytes over_limit = frame_of_type(7, u64_bytes(kMaxChangesPerMessage + 1));
  over_limit.resize(over_limit.size() + (kMaxChangesPerMessage + 1) * 60, 0);
  CHECK(decode_error_text(over_limit) == "a message is corrupt: a push claims 10001 members");
}

TEST_CASE("a frame over the size limit is refused as corrupt") {
  Bytes frame = encode_message(Wipe{std::string(100, 'x')});
  frame.resize(kMaxFrameBytes + 1, 0);
  CHECK(decode_error_code(frame) == ErrorCode::corrupt_data);
}

TEST_CASE("a pull limit of 0 or over the per-message maximum is refused") {
  CHECK(decode_error_text(encode_message(Pull{1, 0})) == "a message is corrupt: a pull limit of 0");
  CHECK(decode_error_text(encode_message(Pull{1, kMaxChangesPerMessage + 1})) ==
        "a message is corrupt: a pull limit of 10001");
  // The limit travels as a u64: a value past 32 bits must not wrap into range.
  Bytes wrapping = encode_message(Pull{1, 1});
  wrapping[3 + 8 + 4] = 1;  // limit 2^32 + 1
  CHECK(decode_error_code(wrapping) == ErrorCode::corrupt_data);

  CHECK(decode_message(encode_message(Pull{1, 1})) == Message{Pull{1, 1}});
  CHECK(decode_message(encode_message(Pull{1, kMaxChangesPerMessage})) ==
        Message{Pull{1, kMaxChangesPerMessage}});
}

TEST_CASE("random corruption of valid frames never crashes the decoder (6,500 seeded mutations)") {
  std::mt19937 random(20240501);
  int decoded_count = 0;
  for (const Message& message : sample_messages()) {
    const Bytes good = encode_message(message);
    for (int round = 0; round < 500; ++round) {
      Bytes bytes = good;
      const int flips = 1 + static_cast<int>(random() % 4);
      for (int i = 0; i < flips; ++i) {
        bytes[random() % bytes.size()] ^= std::uint8_t(1 + random() % 255);
      }
      if (random() % 3 == 0) bytes.resize(random() % bytes.size());
      CAPTURE(message_name(message));
      CAPTURE(round);
      try {
        const Message decoded = decode_message(bytes);
        ++decoded_count;
        // Whatever decodes re-encodes to a message that decodes the same.
        CHECK(decode_message(encode_message(decoded)) == decoded);
        CHECK(encode_message(decoded) == bytes);
      } catch (const Error& error) {
        const bool expected_code = error.code() == ErrorCode::corrupt_data ||
                                   error.code() == ErrorCode::unsupported_version;
        CHECK(expected_code);
      }
    }
  }
  // Flips inside text and numbers still decode: the test exercised both outcomes.
  CHECK(decoded_count > 0);
}

TEST_CASE("message_name names each message type") {
  const std::vector<std::string_view> expected = {
      "Hello", "Welcome", "Refused", "Wipe",    "Enrol",        "Enrolled",
      "Push",  "PushAck", "Pull",    "Changes", "ScopeChanged", "Ping",
      "Pong",  "BlobPut", "BlobAck", "BlobGet", "BlobData"};
  const std::vector<Message> messages = sample_messages();
  REQUIRE(messages.size() == expected.size());
  for (std::size_t i = 0; i < messages.size(); ++i) CHECK(message_name(messages[i]) == expected[i]);
  CHECK(message_name(PushAck{}) == "PushAck");
}

TEST_CASE("a scope change naming something that is not a child id is corrupt") {
  CHECK(decode_error_text(encode_message(ScopeChanged{{"C-1", "bad id; drop table"}, 5})) ==
        "a message is corrupt: a child id is not valid");
  CHECK(decode_error_code(encode_message(ScopeChanged{{""}, 5})) == ErrorCode::corrupt_data);
}

TEST_CASE(
    "attachment messages refuse bad hashes, chunks beyond the blob and blobs over the limit") {
  CHECK(decode_error_text(encode_message(BlobGet{"ABCDEF", 0})) ==
        "a message is corrupt: a blob hash is not 64 lower-case hex digits");
  CHECK(decode_error_text(encode_message(BlobPut{kBlobHash, 2, 1, Bytes{1, 2}})) ==
        "a message is corrupt: a blob chunk beyond the blob's 2 bytes");
  CHECK(decode_error_text(encode_message(BlobData{kBlobHash, 10, 11, {}, ""})) ==
        "a message is corrupt: a blob chunk beyond the blob's 10 bytes");
  CHECK(decode_error_text(encode_message(BlobPut{kBlobHash, kMaxBlobBytes + 1, 0, {}})) ==
        "a message is corrupt: a blob of 10485761 bytes");
  const Bytes oversized_chunk(kBlobChunkBytes + 1, 7);
  CHECK(decode_error_code(encode_message(BlobPut{kBlobHash, kMaxBlobBytes, 0, oversized_chunk})) ==
        ErrorCode::corrupt_data);
  check_every_truncation_is_corrupt(encode_message(BlobData{kBlobHash, 3, 0, Bytes{1, 2, 3}, ""}));
}

TEST_CASE("a Hello from a device that predates the outbox size reads as an empty outbox") {
  const Hello hello{
      "9c1b7a52-3f0e-4c5e-8d1a-6f2b9e4d0a11", "tok-0123456789abcdef", 42, "iro", 31, 5};
  Bytes frame = encode_message(hello);
  frame.resize(frame.size() - 8);  // what an older device sends: no outbox_size
  const Message decoded = decode_message(frame);
  REQUIRE(std::holds_alternative<Hello>(decoded));
  CHECK(std::get<Hello>(decoded).scope_cursor == 31);
  CHECK(std::get<Hello>(decoded).outbox_size == 0);
  frame.push_back(7);  // part of a u64 after the scope cursor: refused
  CHECK(decode_error_code(frame) == ErrorCode::corrupt_data);
}

TEST_CASE("a Hello from a device that predates the scope cursor reads as scope cursor 0") {
  const Hello hello{
      "9c1b7a52-3f0e-4c5e-8d1a-6f2b9e4d0a11", "tok-0123456789abcdef", 42, "iro", 31, 5};
  Bytes frame = encode_message(hello);
  frame.resize(frame.size() - 16);  // what an older device sends: no scope_cursor, no outbox_size
  const Message decoded = decode_message(frame);
  REQUIRE(std::holds_alternative<Hello>(decoded));
  CHECK(std::get<Hello>(decoded).cursor == 42);
  CHECK(std::get<Hello>(decoded).scope_cursor == 0);
  // Anything but a whole u64 after the client name is refused, not guessed at.
  frame.push_back(7);
  CHECK(decode_error_code(frame) == ErrorCode::corrupt_data);
}
