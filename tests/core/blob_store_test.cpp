// Attachments in the device store (iro/blob.hpp): hashes, deduplication,
// encryption at rest of the drawing's bytes, and what a purge keeps.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

#include "iro/blob.hpp"
#include "iro/error.hpp"
#include "iro/store.hpp"
#include "support/temp_dir.hpp"
#include "support/test_bytes.hpp"

using namespace iro;
using namespace iro::test;

namespace {

using iro::test::bytes_of_file;

using iro::test::bytes_of;

}  // namespace

TEST_CASE("blob hashes are SHA-256 in lower-case hex, piece by piece or whole") {
  CHECK(blob_hash(bytes_of("abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BlobHasher pieces;
  pieces.update(bytes_of("a"));
  pieces.update(bytes_of("bc"));
  CHECK(pieces.finish() == blob_hash(bytes_of("abc")));
  CHECK(is_blob_hash(blob_hash(bytes_of(""))));
  CHECK_FALSE(is_blob_hash("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
  CHECK_FALSE(is_blob_hash("ba7816bf"));
}

TEST_CASE("a drawing in an encrypted store is not in its files in clear, and reads back whole") {
  TempDir dir;
  EncryptionKey key{};
  key.fill(0x5a);
  // Over a chunk, with words a grep would find.
  std::string picture(kBlobChunkBytes + 5000, 'x');
  const std::string tell_tale = "Pelican-Quince 8812 drawing of mum's house";
  picture.replace(100, tell_tale.size(), tell_tale);
  picture.replace(kBlobChunkBytes + 10, tell_tale.size(), tell_tale);
  std::string hash;
  {
    auto store = DeviceStore::open(dir / "tablet.db", {.encryption_key = key, .durable = false});
    const std::string visit = store->create(Kind::visit, "C-1", {{"note", std::string("a visit")}});
    hash = store->add_attachment(visit, bytes_of(picture));
    CHECK(store->attachment(hash) == bytes_of(picture));
  }
  CHECK(bytes_of_file(dir / "tablet.db").find("Pelican-Quince") == std::string::npos);
  CHECK(bytes_of_file(dir / "tablet.db-wal").find("Pelican-Quince") == std::string::npos);
  auto reopened = DeviceStore::open(dir / "tablet.db", {.encryption_key = key, .durable = false});
  CHECK(reopened->attachment(hash) == bytes_of(picture));
}

TEST_CASE(
    "the same drawing attached twice is stored once, and a purge keeps what the server lacks") {
  TempDir dir;
  auto store = DeviceStore::open(dir / "tablet.db", {.durable = false});
  const Bytes picture = bytes_of("a drawing of a dog");
  const std::string first = store->create(Kind::consultation, "C-1", {});
  const std::string second = store->create(Kind::consultation, "C-2", {});
  const std::string hash = store->add_attachment(first, picture);
  CHECK(store->add_attachment(second, picture) == hash);
  CHECK(store->add_attachment(first, picture) == hash);  // already there: no change
  REQUIRE(store->attachments().size() == 1);
  CHECK(std::get<StringSet>(*store->get(first)->field(kAttachmentsField)) == StringSet{hash});

  // Not yet on the server: both children purged, the drawing stays.
  const std::vector<std::string> children = {"C-1", "C-2"};
  store->purge_children(children);
  REQUIRE(store->attachments().size() == 1);
  CHECK(store->attachments()[0].state == AttachmentState::local);

  // Held (the server has it) and pointed at by no record: it goes.
  store->record_blob_ack(BlobAck{hash, picture.size(), true, ""});
  store->purge_children(children);
  CHECK(store->attachments().empty());
}

TEST_CASE("an empty attachment is refused") {
  TempDir dir;
  auto store = DeviceStore::open(dir / "tablet.db", {.durable = false});
  const std::string visit = store->create(Kind::visit, "C-1", {{"note", std::string("x")}});
  CHECK_THROWS_WITH_AS(store->add_attachment(visit, Bytes{}), doctest::Contains("needs some bytes"),
                       Error);
}
