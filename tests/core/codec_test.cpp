#include "iro/codec.hpp"

#include <doctest/doctest.h>

#include <random>

#include "iro/error.hpp"
#include "support/hex.hpp"

using namespace iro;
using iro::test::hex;

namespace {

Change sample_change() {
  Change change;
  change.doc_id = "01890a5d-ac96-774b-bcce-b302099a8057";
  change.kind = Kind::visit;
  change.child_id = "C1";
  change.op = ChangeOp::set_field;
  change.field = "note";
  change.value = std::string("Hi");
  change.hlc = Hlc::from_parts(0x0102030405, 6);
  change.device_id = "D";
  change.device_seq = 7;
  change.base = 8;
  return change;
}

// Decoding may only ever succeed or throw iro::Error with one of these codes.
void check_refused_cleanly(std::span<const std::uint8_t> bytes) {
  try {
    const Change decoded = decode_change(bytes);
    // A mutation that still decodes must give a change that round-trips.
    CHECK(decode_change(encode_change(decoded)) == decoded);
  } catch (const Error& error) {
    const bool expected_code =
        error.code() == ErrorCode::corrupt_data || error.code() == ErrorCode::unsupported_version;
    CHECK(expected_code);
  }
}

}  // namespace

TEST_CASE("a change round-trips through the codec for every value type") {
  const std::vector<Value> values = {Value{},
                                     true,
                                     false,
                                     std::int64_t{-42},
                                     std::string("Zoë said “I like my school” 👍\nNew line"),
                                     std::string(),
                                     *Date::parse("2024-02-29"),
                                     StringSet{"carer", "social worker", "teacher"},
                                     StringSet{}};
  for (const Value& value : values) {
    Change change = sample_change();
    change.value = value;
    CHECK(decode_change(encode_change(change)) == change);
    CHECK(decode_value(encode_value(value)) == value);
  }
  Change deletion = sample_change();
  deletion.op = ChangeOp::delete_document;
  deletion.field.clear();
  deletion.value = Value{};
  CHECK(decode_change(encode_change(deletion)) == deletion);
}

TEST_CASE("the change encoding is exactly the documented bytes") {
  // docs/wire-format.md: version 1, little-endian marker, then each field;
  // strings are a u64 length and the bytes, the value a tag byte and its payload.
  const std::string expected =
      "01"                // format version
      "01"                // cereal: little-endian
      "2400000000000000"  // doc_id length 36
      "30313839306135642d616339362d373734622d626363652d623330323039396138303537"
      "03"  // kind: visit
      "0200000000000000"
      "4331"  // child_id "C1"
      "00"    // op: set_field
      "0400000000000000"
      "6e6f7465"  // field "note"
      "03"
      "0200000000000000"
      "4869"              // value: text "Hi"
      "0600050403020100"  // hlc (ms 0x0102030405, counter 6)
      "0100000000000000"
      "44"                 // device_id "D"
      "0700000000000000"   // device_seq 7
      "0800000000000000";  // base 8
  CHECK(hex(encode_change(sample_change())) == expected);
}

TEST_CASE("every truncation of an encoded change is refused as corrupt") {
  const Bytes bytes = encode_change(sample_change());
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    CAPTURE(length);
    try {
      decode_change(std::span(bytes.data(), length));
      FAIL("a truncated change decoded");
    } catch (const Error& error) {
      CHECK(error.code() == ErrorCode::corrupt_data);
    }
  }
}

TEST_CASE("trailing bytes after a change are refused") {
  Bytes bytes = encode_change(sample_change());
  bytes.push_back(0);
  CHECK_THROWS_WITH_AS(decode_change(bytes), "a change is corrupt: 1 unexpected bytes follow it",
                       Error);
}

TEST_CASE("an unknown format version is refused with a clear message") {
  Bytes bytes = encode_change(sample_change());
  bytes[0] = 9;
  try {
    decode_change(bytes);
    FAIL("expected a refusal");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::unsupported_version);
    CHECK(std::string(error.what()) == "a change has format version 9; this build reads version 1");
  }
}

TEST_CASE("damaged structure is refused: header, lengths, kinds, tags, dates, sets") {
  const Bytes good = encode_change(sample_change());
  auto with = [&](std::size_t offset, std::uint8_t byte) {
    Bytes bytes = good;
    bytes[offset] = byte;
    return bytes;
  };
  const std::size_t doc_length = 2, kind = 46, op = 57, value_tag = 70;
  CHECK_THROWS_WITH(decode_change(with(1, 0)), "a change has a damaged header");
  CHECK_THROWS_WITH(decode_change(with(doc_length + 7, 0x40)),  // a length of 2^62
                    doctest::Contains("the document id claims"));
  CHECK_THROWS_WITH(decode_change(with(kind, 0)), "a change is corrupt: unknown record kind 0");
  CHECK_THROWS_WITH(decode_change(with(kind, 99)), "a change is corrupt: unknown record kind 99");
  CHECK_THROWS_WITH(decode_change(with(op, 7)), "a change is corrupt: unknown operation 7");
  CHECK_THROWS_WITH(decode_change(with(value_tag, 42)),
                    "a change is corrupt: unknown value type 42");
  CHECK_THROWS_WITH(decode_change(with(doc_length + 8, 'X')),
                    "a change is corrupt: the document id is not a UUID");

  Bytes bad_date = encode_value(*Date::parse("2024-01-01"));
  bad_date[6] = 0x7f;  // the high byte: a day number millions of years out
  CHECK_THROWS_WITH(decode_value(bad_date), "a stored value is corrupt: a date is out of range");

  Bytes bad_flag = encode_value(true);
  bad_flag[3] = 2;
  CHECK_THROWS_WITH(decode_value(bad_flag), "a stored value is corrupt: a yes/no value is 2");

  Bytes unsorted = encode_value(StringSet{"a", "b"});
  std::swap(unsorted[19], unsorted[28]);  // the two one-letter members
  CHECK_THROWS_WITH(decode_value(unsorted),
                    "a stored value is corrupt: a set is not sorted and distinct");

  Bytes huge_set = encode_value(StringSet{});
  huge_set[10] = 0x10;  // claims 2^60 members
  CHECK_THROWS_WITH(decode_value(huge_set), doctest::Contains("a set claims"));
}

TEST_CASE("random corruption never crashes the decoder (2,000 seeded mutations)") {
  Change change = sample_change();
  change.value = StringSet{"carer", "iro", "social worker"};
  const Bytes good = encode_change(change);
  std::mt19937 random(20241122);
  for (int round = 0; round < 2000; ++round) {
    Bytes bytes = good;
    const int flips = 1 + static_cast<int>(random() % 4);
    for (int i = 0; i < flips; ++i)
      bytes[random() % bytes.size()] ^= std::uint8_t(1 + random() % 255);
    if (random() % 3 == 0) bytes.resize(random() % bytes.size());
    CAPTURE(round);
    check_refused_cleanly(bytes);
  }
}
