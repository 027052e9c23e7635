#include "store/value_codec.hpp"

#include <doctest/doctest.h>

#include "iro/error.hpp"
#include "support/expect_error.hpp"

using namespace iro;
using iro::test::error_code_of;

namespace {

ValueCodec sealing_codec(std::uint8_t key_byte = 0x5a) {
  return ValueCodec(std::make_unique<const crypto::Aead>(crypto::Bytes(32, key_byte)));
}

const Value kNote = std::string("Ava wants Zoë at her review");

}  // namespace

TEST_CASE("a plain store's codec stores exactly what encode_value gives, as before encryption") {
  const ValueCodec plain;
  CHECK_FALSE(plain.encrypts());
  const Cell cell = Cell::field("0189", "note");
  CHECK(plain.seal(kNote, cell) == encode_value(kNote));
  CHECK(plain.open(encode_value(kNote), cell) == kNote);
  // Another cell's bytes open anywhere: a plain store cannot tell.
  CHECK(plain.open(encode_value(kNote), Cell::field("0190", "place")) == kNote);
}

TEST_CASE("a sealed value opens only in the cell it was sealed for") {
  const ValueCodec codec = sealing_codec();
  CHECK(codec.encrypts());
  const Cell home = Cell::outbox(12, "0189", "note");
  const Bytes sealed = codec.seal(kNote, home);
  CHECK(sealed.size() == encode_value(kNote).size() + crypto::kSealOverhead);
  CHECK(codec.open(sealed, home) == kNote);

  // Each part of the cell's identity is bound: change any one and it fails.
  const Cell elsewhere[] = {
      {"rejected", "value", "0189", "note", 12},  // table
      {"outbox", "reason", "0189", "note", 12},   // column
      {"outbox", "value", "0190", "note", 12},    // record
      {"outbox", "value", "0189", "place", 12},   // field
      {"outbox", "value", "0189", "note", 13},    // device_seq
      {"outbox", "value", "018", "9note", 12},    // the same letters, split elsewhere
  };
  for (const Cell& cell : elsewhere) {
    CAPTURE(cell.describe());
    CHECK(error_code_of([&] { codec.open(sealed, cell); }) == ErrorCode::corrupt_data);
  }
  // And another key does not open it.
  CHECK(error_code_of([&] { sealing_codec(0x5b).open(sealed, home); }) == ErrorCode::corrupt_data);
}

TEST_CASE("a value that does not open names its table and row") {
  const ValueCodec codec = sealing_codec();
  Bytes sealed = codec.seal(kNote, Cell::field("0189", "note"));
  sealed[sealed.size() / 2] ^= 0x01;
  try {
    codec.open(sealed, Cell::field("0189", "note"));
    FAIL("a flipped byte opened");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::corrupt_data);
    CHECK(std::string(error.what()) ==
          "the device store's field row (record 0189, field note) does not decrypt: its bytes "
          "were altered or moved from another row");
  }
  // In a plain store, bytes that do not decode name the row too.
  CHECK(error_code_of([&] {
          ValueCodec().open(Bytes{0x01, 0x02}, Cell::conflict("0189", "note#7"));
        }) == ErrorCode::corrupt_data);
}

TEST_CASE("cells describe themselves for messages") {
  CHECK(Cell::field("d1", "note").describe() == "field row (record d1, field note)");
  CHECK(Cell::conflict("d1", "note#7").describe() == "conflict row (record d1, slot note#7)");
  CHECK(Cell::outbox(12, "d1", "note").describe() == "outbox row 12 (record d1, field note)");
  CHECK(Cell::outbox(13, "d1", "").describe() == "outbox row 13 (record d1)");
  CHECK(Cell::rejected(12, "d1", "note", "reason").describe() ==
        "rejected row 12 (record d1, field note), its reason");
  CHECK(Cell::meta("device_token").describe() == "meta row 'device_token'");
}
