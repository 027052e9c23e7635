// What a push may not do, on both engines, through apply_push (Council):
// read a value of a record the device may not read (in a refusal, a merge's
// answer or a retry), reuse a device_seq for other content, change one field
// twice, hold the writer with a costly merge, name another user's
// attachment, or, once its child has moved, do more than hand in what it
// wrote before. The attacks over the wire: tests/e2e/attack_e2e_test.cpp.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "iro/blob.hpp"
#include "iro/document.hpp"
#include "server/server_fixture.hpp"
#include "service/accounts.hpp"
#include "service/blobs.hpp"
#include "service/caseload.hpp"
#include "service/reconcile.hpp"
#include "support/costly_text.hpp"

using namespace iro;
using namespace iro::server;
using namespace iro::test;

namespace {

constexpr std::uint64_t kDay = 24 * 60 * kMinute;

// One push with these options, in one transaction.
std::vector<PushResult> push_with(Council& council, const DeviceIdentity& device,
                                  std::vector<Change> changes, const PushOptions& options) {
  std::vector<PushResult> results;
  council.write_with_clock([&](StoreTxn& txn, TxnClock& clock) {
    results = apply_push(txn, device, changes, clock, options);
  });
  return results;
}

void move_child(Council& council, const std::string& child, const std::string& to) {
  council.write_with_clock(
      [&](StoreTxn& txn, TxnClock& clock) { allocate_child(txn, child, to, clock); });
}

}  // namespace

TEST_CASE("a refusal carries the server's value only of a record the device may read") {
  Council council;
  const std::string bobs = council.new_id();
  const DeviceIdentity bob = council.identity_of(council.bob, council.new_id());
  REQUIRE(
      council
          .push(bob, set_field(bobs, Kind::visit, "C2", "note", text("Bob's words"), council.at()))
          .outcome == PushOutcome::accepted);

  // Ann's device may not read C2: nothing of the record comes back.
  const PushResult ann =
      council.push(council.ann_laptop,
                   set_field(bobs, Kind::visit, "C2", "note", text("overwritten"), council.at()));
  CHECK(ann.outcome == PushOutcome::refused);
  CHECK(is_unset(ann.value));
  CHECK(ann.server_seq == 0);
  CHECK_FALSE(ann.document_known);
  // Meg, a manager, reads the whole council: her refusals carry the value.
  const std::string letter = council.letter_at("issued");
  const PushResult meg =
      council.push(council.meg_laptop, council.set_letter(letter, "body", "changed"));
  CHECK(meg.outcome == PushOutcome::refused);
  CHECK_FALSE(is_unset(meg.value));
  CHECK(meg.document_known);
}

TEST_CASE("a device_seq seen before is honoured only for the very same change") {
  Council council;
  const std::string visit = council.visit_note("Sam was cheerful");
  Change first =
      council.set_note(visit, "Sam was cheerful and chatty", council.field(visit, "note")->seq);
  const PushResult accepted = council.push(council.ann_laptop, first);
  REQUIRE(accepted.outcome == PushOutcome::accepted);
  first.device_seq = accepted.device_seq;

  // The very same change again: its first verdict, nothing written twice.
  const std::uint64_t head = council.head_seq();
  CHECK(council.push(council.ann_laptop, first).outcome == PushOutcome::accepted);
  CHECK(council.head_seq() == head);
  CHECK(council.history_rows(council.ann_laptop, first.device_seq) == 1);

  // Other content under that number (another record, here another child's):
  // refused, nothing read, nothing written, and audited.
  const std::string bobs = council.new_id();
  REQUIRE(council
              .push(council.identity_of(council.bob, council.new_id()),
                    set_field(bobs, Kind::visit, "C2", "note", text("Bob's"), council.at()))
              .outcome == PushOutcome::accepted);
  Change other = set_field(bobs, Kind::visit, "C2", "note", text("x"), council.at());
  other.device_seq = first.device_seq;
  const std::size_t entries = council.audit().size();
  const PushResult reused = council.push(council.ann_laptop, other);
  CHECK(reused.outcome == PushOutcome::refused);
  CHECK(is_unset(reused.value));
  CHECK(reused.reason.find("received before with other content") != std::string::npos);
  CHECK(council.field(bobs, "note")->value == text("Bob's"));
  CHECK(council.history_rows(council.ann_laptop, first.device_seq) == 1);
  CHECK(council.audit().size() == entries + 1);
  CHECK(council.audit().back().detail.find("a device_seq used before") != std::string::npos);
}

TEST_CASE("a push changes a field once: a second change of it is refused and kept") {
  Council council;
  const std::string visit = council.visit_note("Seen at home");
  const std::uint64_t base = council.field(visit, "note")->seq;
  const std::vector<PushResult> results =
      council.push(council.ann_laptop, {council.set_note(visit, "Seen at home; well", base),
                                        council.set_note(visit, "Seen at home; very well", base)});
  CHECK(results[0].outcome == PushOutcome::accepted);
  CHECK(results[1].outcome == PushOutcome::refused);
  CHECK(results[1].reason.find("already changes field note") != std::string::npos);
  CHECK(council.field(visit, "note")->value == text("Seen at home; well"));
  // Kept all the same: nothing a device sent is lost.
  CHECK(council.history_rows(council.ann_laptop, results[1].device_seq) == 1);
}

TEST_CASE("a merge too costly for the push's budget keeps both texts as a conflict") {
  Council council;
  const std::string base = costly_text(0, 16 * 1024);
  const std::string visit = council.new_id();
  const PushResult made = council.push(
      council.ann_laptop, set_field(visit, Kind::visit, "C1", "note", Value{base}, council.at()));
  const std::string current = costly_text(1, 16 * 1024);
  REQUIRE(council
              .push(council.ann_tablet, set_field(visit, Kind::visit, "C1", "note", Value{current},
                                                  council.at(), made.server_seq))
              .outcome == PushOutcome::accepted);
  const std::string incoming = costly_text(2, 16 * 1024);
  Change edit =
      set_field(visit, Kind::visit, "C1", "note", Value{incoming}, council.at(), made.server_seq);
  edit.device_seq = 99;

  // With a budget far below what the diff needs: not attempted.
  const std::vector<PushResult> results =
      push_with(council, council.ann_laptop, {edit}, {.merge_steps = 10'000});
  CHECK(results[0].outcome == PushOutcome::conflict);
  CHECK(council.field(visit, "note")->value == Value{current});
  const auto slot = council.field(visit, conflict_slot("note", council.head_seq()));
  REQUIRE(slot.has_value());
  CHECK(slot->value == Value{incoming});  // whole
  CHECK(council.audit().back().detail.find("too large a change to merge") != std::string::npos);

  // An everyday edit of a long note fits the default budget and merges.
  const std::string note = council.visit_note("One two three four five six seven eight nine ten");
  const std::uint64_t note_base = council.field(note, "note")->seq;
  council.push(
      council.ann_tablet,
      council.set_note(note, "Zero one two three four five six seven eight nine ten", note_base));
  const PushResult merged = council.push(
      council.ann_laptop,
      council.set_note(note, "One two three four five six seven eight nine ten eleven", note_base));
  CHECK(merged.outcome == PushOutcome::merged);
}

TEST_CASE("a manager names themselves as a letter's approver, and no one else") {
  Council council;
  const std::string letter = council.letter_at("submitted");
  const PushResult other = council.push(
      council.meg_laptop, council.set_letter(letter, "approved_by", council.ann.c_str()));
  CHECK(other.outcome == PushOutcome::refused);
  CHECK(other.reason.find("your own user id") != std::string::npos);
  CHECK_FALSE(council.field(letter, "approved_by").has_value());
  const PushResult self = council.push(
      council.meg_laptop, council.set_letter(letter, "approved_by", council.meg.c_str()));
  CHECK(self.outcome == PushOutcome::accepted);
}

TEST_CASE("after its child moves, a device may send only what it wrote before, for 30 days") {
  Council council;
  const std::string held = council.visit_note("Sam showed me the garden");
  council.clock.advance(kMinute);
  const std::uint64_t before_move = council.clock.now_ms() - 1;
  move_child(council, "C1", council.bob);

  // An edit of a record held before the move: taken, with no value shown.
  const PushResult edit =
      council.push(council.ann_laptop,
                   set_field(held, Kind::visit, "C1", "place", text("school"), council.at()));
  CHECK(edit.outcome == PushOutcome::accepted);
  // A record written offline before the move arrives, and may still be edited.
  const std::string offline = council.new_id();
  const PushResult written = council.push(
      council.ann_laptop, set_field(offline, Kind::visit, "C1", "note", text("before the move"),
                                    Hlc::from_parts(before_move, 0)));
  CHECK(written.outcome == PushOutcome::accepted);
  CHECK(council
            .push(council.ann_laptop,
                  set_field(offline, Kind::visit, "C1", "place", text("home"), council.at()))
            .outcome == PushOutcome::accepted);
  // A new record written after the move, and any delete: refused.
  council.clock.advance(kMinute);
  const PushResult late = council.push(
      council.ann_laptop,
      set_field(council.new_id(), Kind::visit, "C1", "note", text("after"), council.at()));
  CHECK(late.outcome == PushOutcome::refused);
  CHECK(late.reason.find("has left your caseload") != std::string::npos);
  const PushResult deleted =
      council.push(council.ann_laptop, council.deletion(held, Kind::visit, 0));
  CHECK(deleted.outcome == PushOutcome::refused);
  CHECK_FALSE(council.document(held)->deleted);
  // A record Bob makes after the move is not Ann's to edit.
  const std::string bobs = council.new_id();
  REQUIRE(council
              .push(council.identity_of(council.bob, council.new_id()),
                    set_field(bobs, Kind::visit, "C1", "note", text("Bob's"), council.at()))
              .outcome == PushOutcome::accepted);
  CHECK(council
            .push(council.ann_laptop,
                  set_field(bobs, Kind::visit, "C1", "place", text("x"), council.at()))
            .outcome == PushOutcome::refused);
  // After 30 days, nothing at all.
  council.clock.advance(31 * kDay);
  CHECK(council
            .push(council.ann_laptop,
                  set_field(held, Kind::visit, "C1", "place", text("later"), council.at()))
            .outcome == PushOutcome::refused);
}

TEST_CASE("a record names only attachments its user uploaded or can already see") {
  Council council;
  const auto upload = [&](const DeviceIdentity& device, const std::string& bytes) {
    const std::string hash = blob_hash(std::span<const std::uint8_t>(
        reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
    BlobAck ack;
    council.store->write([&](StoreTxn& txn) {
      ack = receive_blob_chunk(txn, device,
                               BlobPut{hash, bytes.size(), 0, Bytes(bytes.begin(), bytes.end())},
                               "test", council.clock.now_ms());
    });
    REQUIRE(ack.complete);
    return hash;
  };
  const DeviceIdentity bob = council.identity_of(council.bob, council.new_id());
  const std::string bobs_drawing = upload(bob, "Bob's child's drawing of a boat");
  const std::string anns_drawing = upload(council.ann_tablet, "Ann's child's drawing of a cat");
  const std::string visit = council.visit_note("Sam drew a cat");
  const auto name = [&](const std::string& hash) {
    return council.push(council.ann_laptop, set_field(visit, Kind::visit, "C1", "attachments",
                                                      Value{StringSet{hash}}, council.at()));
  };
  CHECK(name(anns_drawing).outcome == PushOutcome::accepted);  // her tablet uploaded it
  const PushResult theirs = name(bobs_drawing);
  CHECK(theirs.outcome == PushOutcome::refused);
  const PushResult nobodys = name(std::string(64, 'e'));
  CHECK(nobodys.outcome == PushOutcome::refused);
  CHECK(theirs.reason.substr(23) == nobodys.reason.substr(23));  // the same words
  // Uploading the same bytes proves she holds them: then she may.
  CHECK(upload(council.ann_laptop, "Bob's child's drawing of a boat") == bobs_drawing);
  CHECK(name(bobs_drawing).outcome != PushOutcome::refused);  // merged beside the cat
}

TEST_CASE("uploads left unfinished for two days are forgotten, finished ones kept") {
  Council council;
  BlobAck ack;
  const std::string hash(64, 'c');
  council.store->write([&](StoreTxn& txn) {
    ack = receive_blob_chunk(txn, council.ann_laptop, BlobPut{hash, 4096, 0, Bytes(1024, 7)},
                             "test", council.clock.now_ms());
  });
  REQUIRE(ack.received == 1024);
  std::size_t removed = 0;
  council.clock.advance(47 * 60 * kMinute);
  council.store->write(
      [&](StoreTxn& txn) { removed = remove_stale_uploads(txn, council.clock.now_ms()); });
  CHECK(removed == 0);
  council.clock.advance(2 * 60 * kMinute);
  council.store->write(
      [&](StoreTxn& txn) { removed = remove_stale_uploads(txn, council.clock.now_ms()); });
  CHECK(removed == 1);
  council.store->read([&](StoreTxn& txn) { CHECK_FALSE(txn.blob("shire", hash).has_value()); });
  CHECK(council.query_int("SELECT count(*) FROM blob_chunk") == 0);
}

TEST_CASE("a collect-first device is welcomed to hand in its changes for fifteen minutes only") {
  Council council;
  const EnrolledDevice tablet = council.enrol(council.ann);
  council.store->write([&](StoreTxn& txn) {
    revoke_device(txn, tablet.identity.device_id, true, council.clock.now_ms());
  });
  const Hello hello{tablet.identity.device_id, tablet.token, 0, "test"};
  const auto verdict = [&] {
    std::variant<Authenticated, WipeDevice, Refused> answer;
    council.store->read(
        [&](StoreTxn& txn) { answer = authenticate(txn, hello, council.clock.now_ms()); });
    if (std::holds_alternative<Authenticated>(answer)) {
      council.store->write(
          [&](StoreTxn& txn) { record_hello(txn, hello, "s", council.clock.now_ms()); });
    }
    return answer;
  };
  REQUIRE(std::holds_alternative<Authenticated>(verdict()));
  CHECK(std::get<Authenticated>(verdict()).collect_then_wipe);  // again, after a cut
  council.clock.advance(16 * kMinute);
  CHECK(std::holds_alternative<WipeDevice>(verdict()));
}
