// Attachments (iro/blob.hpp) through whole sync sessions: core's device
// session and hand-made frames talk to the server's ServerSession over the
// in-memory link, on real SQLite stores. A child's drawing reaches the IRO's
// other device whole and is stored once; cut transfers resume; bytes that do
// not match their hash, blobs over the limit and another IRO's child's
// drawing are refused, and nothing already saved is lost.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "iro/blob.hpp"
#include "iro/error.hpp"
#include "iro/store.hpp"
#include "iro/sync_session.hpp"
#include "server/loopback_sync.hpp"
#include "service/audit.hpp"
#include "store/sqlite.hpp"

using namespace iro;
using namespace iro::server;
using namespace iro::test;

namespace {

// `size` bytes of a made-up drawing, different for each seed.
Bytes drawing(std::size_t size, std::uint8_t seed) {
  Bytes bytes(size);
  std::uint32_t state = 2166136261u ^ seed;
  for (std::uint8_t& byte : bytes) {
    state = state * 16777619u + 12345u;
    byte = std::uint8_t(state >> 24);
  }
  return bytes;
}

std::string consultation_for(DeviceStore& device, const std::string& child) {
  return device.create(Kind::consultation, child, {{"helped_by", std::string("carer")}});
}

std::vector<BlobPut> blob_puts(const Transcript& transcript) {
  std::vector<BlobPut> puts;
  for (const Message& message : transcript.from_device) {
    if (const auto* put = std::get_if<BlobPut>(&message)) puts.push_back(*put);
  }
  return puts;
}

std::vector<BlobGet> blob_gets(const Transcript& transcript) {
  std::vector<BlobGet> gets;
  for (const Message& message : transcript.from_device) {
    if (const auto* get = std::get_if<BlobGet>(&message)) gets.push_back(*get);
  }
  return gets;
}

// The server's answers to an authenticated device that sends `frames` one
// by one after Welcome, each after the answer to the one before.
std::vector<Message> answers_after_welcome(LoopbackCouncil& council, DeviceStore& device,
                                           std::vector<Bytes> frames) {
  const auto credentials = device.sync_credentials();
  REQUIRE(credentials);
  std::vector<Message> answers;
  std::size_t next = 0;
  bool finished = false;
  council.converse(
      encode_message(Hello{credentials->device_id, credentials->device_token, 0, "test"}),
      [&](std::span<const std::uint8_t> frame) {
        Message message = decode_message(frame);
        if (std::holds_alternative<ScopeChanged>(message)) return std::vector<Bytes>{};
        const bool welcome = std::holds_alternative<Welcome>(message);
        if (!welcome) answers.push_back(std::move(message));
        if (std::holds_alternative<Refused>(answers.empty() ? Message{} : answers.back()) ||
            next == frames.size()) {
          finished = true;
          return std::vector<Bytes>{};
        }
        return std::vector<Bytes>{frames[next++]};
      },
      [&] { return finished; });
  return answers;
}

std::size_t audit_entries(LoopbackCouncil& council, std::string_view action,
                          std::string_view outcome) {
  std::size_t count = 0;
  for (const AuditRow& row : council.audit()) {
    if (row.action == action && row.outcome == outcome) ++count;
  }
  return count;
}

}  // namespace

TEST_CASE("a drawing made on one device reaches the IRO's other device whole, stored once") {
  LoopbackCouncil council;
  auto tablet = council.enrolled_device("tablet", council.ann);
  auto laptop = council.enrolled_device("laptop", council.ann);

  const Bytes picture = drawing(600 * 1024, 1);  // three chunks
  const std::string consultation = consultation_for(*tablet, "C1");
  const std::string hash = tablet->add_attachment(consultation, picture);
  CHECK(hash == blob_hash(picture));
  // The same drawing on a visit note too: one blob, two records.
  const std::string visit = tablet->create(Kind::visit, "C1", {{"note", text("Drew her house")}});
  CHECK(tablet->add_attachment(visit, picture) == hash);
  REQUIRE(tablet->attachments().size() == 1);
  CHECK(tablet->attachments()[0].state == AttachmentState::local);

  const SyncRun up = council.sync(*tablet);
  REQUIRE(up.state == SyncState::done);
  CHECK(up.progress.blobs_sent == 1);
  CHECK(tablet->attachments()[0].state == AttachmentState::held);
  // The blob went up before the records that point at it.
  const std::vector<Message>& sent = up.transcript.from_device;
  std::size_t last_blob = 0;
  std::size_t first_push = sent.size();
  for (std::size_t i = 0; i < sent.size(); ++i) {
    if (std::holds_alternative<BlobPut>(sent[i])) last_blob = i;
    if (std::holds_alternative<Push>(sent[i]) && first_push == sent.size()) first_push = i;
  }
  CHECK(last_blob < first_push);
  CHECK(council.query_int("SELECT count(*) FROM blob WHERE complete = 1") == 1);
  CHECK(council.query_int("SELECT sum(length(data)) FROM blob_chunk") == 600 * 1024);

  const SyncRun down = council.sync(*laptop);
  REQUIRE(down.state == SyncState::done);
  CHECK(down.progress.blobs_received == 1);
  const std::optional<Bytes> copy = laptop->attachment(hash);
  REQUIRE(copy);
  CHECK(*copy == picture);
  CHECK(device_export(*laptop) == device_export(*tablet));
  CHECK(device_export(*laptop) == council.server_export(*laptop));
  CHECK(audit_entries(council, "attachment-upload", "accepted") == 1);
  CHECK(audit_entries(council, "attachment-download", "ok") == 1);

  // Synced again, nothing moves: the server has it, the laptop has it.
  CHECK(council.sync(*tablet).progress.blobs_sent == 0);
  const SyncRun again = council.sync(*laptop);
  CHECK(blob_gets(again.transcript).empty());
}

TEST_CASE("an upload cut part way resumes where the server's bytes end") {
  LoopbackCouncil council;
  auto tablet = council.enrolled_device("tablet", council.ann);
  const Bytes picture = drawing(3 * kBlobChunkBytes + 100, 2);
  const std::string hash = tablet->add_attachment(consultation_for(*tablet, "C1"), picture);

  // Hello, Welcome, probe, ack, chunk 0, ack, chunk 1: cut before its ack.
  const SyncRun cut = council.sync(*tablet, {}, 7);
  CHECK(cut.transcript.cut);
  const std::int64_t held = council.query_int("SELECT received FROM blob");
  CHECK(held > 0);
  CHECK(held < std::int64_t(picture.size()));
  CHECK(council.query_int("SELECT complete FROM blob") == 0);

  const SyncRun resumed = council.sync(*tablet);
  REQUIRE(resumed.state == SyncState::done);
  const std::vector<BlobPut> puts = blob_puts(resumed.transcript);
  REQUIRE(puts.size() >= 2);
  CHECK(puts[0].data.empty());  // how much do you have?
  CHECK(puts[1].offset == std::uint64_t(held));
  std::size_t resent = 0;
  for (const BlobPut& put : puts) resent += put.data.size();
  CHECK(resent == picture.size() - std::size_t(held));
  CHECK(council.query_int("SELECT complete FROM blob") == 1);
  CHECK(tablet->attachments()[0].state == AttachmentState::held);
  (void)hash;
}

TEST_CASE("a download cut part way resumes from the bytes the device holds") {
  LoopbackCouncil council;
  auto tablet = council.enrolled_device("tablet", council.ann);
  auto laptop = council.enrolled_device("laptop", council.ann);
  const Bytes picture = drawing(2 * kBlobChunkBytes + 7, 3);
  const std::string hash = tablet->add_attachment(consultation_for(*tablet, "C2"), picture);
  REQUIRE(council.sync(*tablet).state == SyncState::done);

  // Hello, Welcome, Pull, Changes, BlobGet, BlobData (chunk 0): then cut.
  const SyncRun cut = council.sync(*laptop, {}, 6);
  CHECK(cut.transcript.cut);
  REQUIRE(laptop->attachments().size() == 1);
  CHECK(laptop->attachments()[0].state == AttachmentState::wanted);
  CHECK(laptop->attachments()[0].received == kBlobChunkBytes);
  CHECK_FALSE(laptop->attachment(hash));

  const SyncRun resumed = council.sync(*laptop);
  REQUIRE(resumed.state == SyncState::done);
  const std::vector<BlobGet> gets = blob_gets(resumed.transcript);
  REQUIRE_FALSE(gets.empty());
  CHECK(gets[0].offset == kBlobChunkBytes);
  REQUIRE(laptop->attachment(hash));
  CHECK(*laptop->attachment(hash) == picture);
}

TEST_CASE("an attachment whose bytes do not match its hash is refused and not kept") {
  LoopbackCouncil council;
  auto tablet = council.enrolled_device("tablet", council.ann);
  const Bytes picture = drawing(1000, 4);
  const Bytes forged = drawing(1000, 5);
  const std::string hash = blob_hash(picture);

  // Whole at once, and then a good upload of the same hash is still taken.
  const std::vector<Message> answers =
      answers_after_welcome(council, *tablet,
                            {encode_message(BlobPut{hash, forged.size(), 0, forged}),
                             encode_message(BlobPut{hash, picture.size(), 0, picture})});
  REQUIRE(answers.size() == 2);
  const auto* refused = std::get_if<BlobAck>(&answers[0]);
  REQUIRE(refused);
  CHECK_FALSE(refused->complete);
  CHECK(refused->refused.find("do not match") != std::string::npos);
  const auto* taken = std::get_if<BlobAck>(&answers[1]);
  REQUIRE(taken);
  CHECK(taken->complete);
  CHECK(taken->refused.empty());
  CHECK(audit_entries(council, "attachment-upload", "refused") == 1);
  CHECK(audit_entries(council, "attachment-upload", "accepted") == 1);
  CHECK(council.query_int("SELECT count(*) FROM blob") == 1);
  CHECK(council.query_int("SELECT sum(length(data)) FROM blob_chunk") == 1000);
}

TEST_CASE("a drawing damaged on the tablet is refused by the server, kept, and marked failed") {
  LoopbackCouncil council;
  auto tablet = council.enrolled_device("tablet", council.ann);
  const Bytes picture = drawing(5000, 6);
  const std::string consultation = consultation_for(*tablet, "C1");
  const std::string hash = tablet->add_attachment(consultation, picture);
  {  // a flipped byte in the stored chunk (a plain store keeps it as it is)
    sqlite::Database raw(council.dir / "tablet.db");
    raw.cached("UPDATE blob_chunk SET data = ?1")
        .bind(1, std::span<const std::uint8_t>(drawing(5000, 60)))
        .run();
  }
  const SyncRun run = council.sync(*tablet);
  REQUIRE(run.state == SyncState::done);  // the records still went up
  CHECK(run.progress.pushed > 0);
  REQUIRE(tablet->attachments().size() == 1);
  CHECK(tablet->attachments()[0].state == AttachmentState::failed);
  CHECK(tablet->attachments()[0].reason.find("do not match") != std::string::npos);
  CHECK(tablet->attachment(hash));  // kept, for someone to look at
  CHECK(council.query_int("SELECT count(*) FROM blob") == 0);
  // A failed blob is not retried at every sync.
  CHECK(blob_puts(council.sync(*tablet).transcript).empty());
}

TEST_CASE("an attachment over the size limit is refused by the device and by the server") {
  LoopbackCouncil council;
  auto tablet = council.enrolled_device("tablet", council.ann);
  const std::string consultation = consultation_for(*tablet, "C1");
  const Bytes too_big(kMaxBlobBytes + 1, 0x42);
  CHECK_THROWS_WITH_AS(tablet->add_attachment(consultation, too_big),
                       doctest::Contains("over the 10 MiB limit"), Error);
  CHECK(tablet->attachments().empty());

  // A device that claims a bigger blob anyway gets a clear refusal.
  BlobPut claim{blob_hash(too_big), kMaxBlobBytes + 1, 0, {}};
  Bytes frame = encode_message(claim);
  const std::vector<Message> answers = answers_after_welcome(council, *tablet, {frame});
  REQUIRE(answers.size() == 1);
  const auto* refused = std::get_if<Refused>(&answers[0]);
  REQUIRE(refused);
  CHECK(refused->code == RefusalCode::malformed);
  CHECK(refused->reason.find("a blob of 10485761 bytes") != std::string::npos);
  CHECK(council.query_int("SELECT count(*) FROM blob") == 0);
}

TEST_CASE("another IRO's child's drawing is not sent, and the attempt is audited") {
  LoopbackCouncil council;
  auto ann_tablet = council.enrolled_device("ann", council.ann);
  auto bob_tablet = council.enrolled_device("bob", council.bob);
  const Bytes picture = drawing(4000, 7);
  const std::string hash = ann_tablet->add_attachment(consultation_for(*ann_tablet, "C1"), picture);
  REQUIRE(council.sync(*ann_tablet).state == SyncState::done);

  const std::vector<Message> answers =
      answers_after_welcome(council, *bob_tablet, {encode_message(BlobGet{hash, 0})});
  REQUIRE(answers.size() == 1);
  const auto* data = std::get_if<BlobData>(&answers[0]);
  REQUIRE(data);
  CHECK(data->data.empty());
  CHECK(data->refused.find("caseload") != std::string::npos);
  CHECK(audit_entries(council, "attachment-download", "refused") == 1);
  // Bob's own sync does not fetch it either.
  REQUIRE(council.sync(*bob_tablet).state == SyncState::done);
  CHECK(bob_tablet->attachments().empty());
}

TEST_CASE("a record may point only at attachments the device holds") {
  LoopbackCouncil council;
  auto tablet = council.enrolled_device("tablet", council.ann);
  const std::string consultation = consultation_for(*tablet, "C1");
  const std::string unknown = blob_hash(drawing(10, 8));
  CHECK_THROWS_WITH_AS(
      tablet->edit(consultation, {{std::string(kAttachmentsField), StringSet{unknown}}}),
      doctest::Contains("is not on this device"), Error);
  CHECK_THROWS_WITH_AS(
      tablet->edit(consultation, {{std::string(kAttachmentsField), StringSet{"not-a-hash"}}}),
      doctest::Contains("SHA-256"), Error);
  const std::string review = tablet->create(Kind::review, "C1", {{"venue", text("School")}});
  CHECK_THROWS_WITH_AS(tablet->add_attachment(review, drawing(10, 9)),
                       doctest::Contains("no attachments"), Error);
  CHECK(tablet->get(consultation)->field(kAttachmentsField) == nullptr);  // nothing saved
}
