// No lost words on the server (docs/ARCHITECTURE.md, "Merge"): text and set
// fields edited from an older version merge three ways against the version
// the edit started from; overlapping text is kept in a conflict slot that
// every device of the IRO pulls, and a device resolves it by clearing the
// slot. apply_push on a real SQLite server store, one push per transaction.
#include "service/reconcile.hpp"

#include <doctest/doctest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "iro/merge.hpp"
#include "server/server_fixture.hpp"
#include "service/caseload.hpp"
#include "support/device_fixture.hpp"

using namespace iro;
using namespace iro::server;
using namespace iro::test;

namespace {

// The document among `documents`, or nullptr.
const Document* find_document(const std::vector<Document>& documents, const std::string& id) {
  for (const Document& document : documents) {
    if (document.id == id) return &document;
  }
  return nullptr;
}

// The entry a pull page holds for a document's field (or slot), or nullptr.
const ChangeEntry* find_entry(const Changes& page, const std::string& doc_id,
                              const std::string& field) {
  for (const ChangeEntry& entry : page.entries) {
    if (entry.change.doc_id == doc_id && entry.change.field == field) return &entry;
  }
  return nullptr;
}

// How many conflict slots the server holds for a document's field, filled or cleared.
std::int64_t slots_of(const Council& council, const std::string& doc_id, const char* field) {
  return council.query_int("SELECT count(*) FROM field_state WHERE doc_id = '" + doc_id +
                           "' AND name LIKE '" + field + "#%'");
}

Value members(std::initializer_list<const char*> names) {
  return normalised_set(StringSet(names.begin(), names.end()));
}

// Ann's laptop writes a visit note; then her laptop and her tablet both edit
// the same word of it from that version. The laptop's edit arrives first.
struct OverlappingEdits {
  static constexpr const char* kOriginal = "Sam showed me the garden.";
  static constexpr const char* kKept = "Sam showed me the allotment.";
  static constexpr const char* kLost = "Sam showed me the greenhouse.";

  std::string visit;
  std::uint64_t base = 0;
  PushResult kept;  // the laptop's verdict: accepted
  Change lost;      // the tablet's change
  PushResult verdict;

  explicit OverlappingEdits(Council& council) {
    visit = council.visit_note(kOriginal);
    base = council.field(visit, "note")->seq;
    council.clock.advance(kMinute);
    kept = council.push(council.ann_laptop, council.set_note(visit, kKept, base));
    REQUIRE(kept.outcome == PushOutcome::accepted);
    council.clock.advance(kMinute);
    lost = council.set_note(visit, kLost, base);
    verdict = council.push(council.ann_tablet, lost);
    lost.device_seq = verdict.device_seq;
  }
};

// Ann's tablet as a real device store, synced with the council by hand: its
// outbox through apply_push, then pull pages until caught up, as a sync
// session does it (session_loopback_test runs the protocol itself).
struct AnnsTabletStore : DeviceFixture {
  DeviceIdentity identity;

  explicit AnnsTabletStore(Council& council)
      : identity(council.identity_of(council.ann, store->device_id())) {}

  void sync(Council& council) {
    for (auto batch = store->next_push_batch(100, 1 << 20, clock.now_ms()); !batch.empty();
         batch = store->next_push_batch(100, 1 << 20, clock.now_ms())) {
      const std::vector<PushResult> results = council.push(identity, batch);
      store->apply_push_results(results, clock.now_ms());
    }
    for (bool more = true; more;) {
      const Changes page = council.pull(identity, store->status().cursor);
      store->apply_changes(page.entries, page.next_cursor);
      more = page.more;
    }
  }
};

// The tablet's edit of a note loses to the laptop's overlapping one; the
// tablet syncs. Returns the note's id.
std::string words_lost_on(Council& council, AnnsTabletStore& tablet) {
  const std::string visit = council.visit_note(OverlappingEdits::kOriginal);
  tablet.sync(council);
  council.clock.advance(kMinute);
  REQUIRE(council
              .push(council.ann_laptop, council.set_note(visit, OverlappingEdits::kKept,
                                                         council.field(visit, "note")->seq))
              .outcome == PushOutcome::accepted);
  tablet.store->edit(visit, {{"note", text(OverlappingEdits::kLost)}});
  tablet.sync(council);
  REQUIRE(tablet.store->get(visit)->conflicts.size() == 1);
  return visit;
}

}  // namespace

TEST_CASE(
    "a typo fixed on one device and a paragraph added on another, from the same version, both "
    "survive whichever arrives first") {
  Council council;
  const char* original = "Sam showd me the garden.";
  const char* typo_fixed = "Sam showed me the garden.";
  const char* paragraph_added = "Sam showd me the garden.\n\nHe wants to stay at his school.";
  const Value merged = text("Sam showed me the garden.\n\nHe wants to stay at his school.");

  struct Row {
    const char* order;
    const DeviceIdentity& first_device;
    const char* first;
    const DeviceIdentity& second_device;
    const char* second;
  };
  const Row rows[] = {
      {"the typo fix first", council.ann_laptop, typo_fixed, council.ann_tablet, paragraph_added},
      {"the paragraph first", council.ann_tablet, paragraph_added, council.ann_laptop, typo_fixed},
  };
  for (const Row& row : rows) {
    CAPTURE(row.order);
    const std::string visit = council.visit_note(original);
    const std::uint64_t base = council.field(visit, "note")->seq;

    council.clock.advance(kMinute);
    const PushResult first =
        council.push(row.first_device, council.set_note(visit, row.first, base));
    CHECK(first.outcome == PushOutcome::accepted);
    CHECK(first.server_seq > base);

    council.clock.advance(kMinute);
    const Change second_change = council.set_note(visit, row.second, base);
    const PushResult second = council.push(row.second_device, second_change);
    CHECK(second.outcome == PushOutcome::merged);
    CHECK(second.value == merged);
    CHECK(second.server_seq > first.server_seq);
    CHECK(second.server_seq == council.head_seq());
    CHECK(second.hlc > first.hlc);  // a new version, later than both edits
    CHECK(second.hlc > second_change.hlc);

    const auto note = council.field(visit, "note");
    REQUIRE(note.has_value());
    CHECK(note->value == merged);
    CHECK(note->seq == second.server_seq);
    CHECK(note->hlc == second.hlc);

    // The history keeps the words as the device sent them, and the verdict.
    const auto history = council.history(row.second_device, second.device_seq);
    REQUIRE(history.has_value());
    CHECK(history->outcome == PushOutcome::merged);
    CHECK(history->seq == second.server_seq);
    CHECK(history->change.value == text(row.second));
    CHECK(slots_of(council, visit, "note") == 0);
  }
}

TEST_CASE(
    "an edit of prose made from the current version replaces it even with an older timestamp: "
    "no last writer wins for text") {
  Council council;
  struct Row {
    Kind kind;
    const char* field;
  };
  const Row rows[] = {
      {Kind::visit, "note"},
      {Kind::visit, "observations"},
      {Kind::letter, "body"},
      {Kind::review, "recommendations"},
      {Kind::challenge, "summary"},
      {Kind::midway, "notes"},
      {Kind::consultation, "answer.worries"},
  };
  for (const Row& row : rows) {
    CAPTURE(to_string(row.kind));
    CAPTURE(row.field);
    const std::string doc = council.new_id();
    // The laptop's clock is a minute ahead (within the bound the server allows).
    const PushResult created = council.push(
        council.ann_laptop, set_field(doc, row.kind, "C1", row.field,
                                      text("Words from the laptop."), council.at(kMinute)));
    REQUIRE(created.outcome == PushOutcome::accepted);

    const Change edit = set_field(doc, row.kind, "C1", row.field,
                                  text("Words from the tablet, which had seen the laptop's."),
                                  council.at(), created.server_seq);
    REQUIRE(edit.hlc < created.hlc);
    const PushResult replaced = council.push(council.ann_tablet, edit);
    CHECK(replaced.outcome == PushOutcome::accepted);
    CHECK(replaced.server_seq > created.server_seq);
    const auto field = council.field(doc, row.field);
    REQUIRE(field.has_value());
    CHECK(field->value == edit.value);
    CHECK(field->hlc == edit.hlc);
    CHECK(field->device_id == kTablet);
  }

  // The same edit of a line field loses to the newer timestamp: the rule is prose's alone.
  const std::string visit = council.new_id();
  const PushResult place = council.push(
      council.ann_laptop,
      set_field(visit, Kind::visit, "C1", "place", text("School"), council.at(kMinute)));
  const PushResult older = council.push(
      council.ann_tablet,
      set_field(visit, Kind::visit, "C1", "place", text("Home"), council.at(), place.server_seq));
  CHECK(older.outcome == PushOutcome::merged);
  CHECK(council.field(visit, "place")->value == text("School"));
}

TEST_CASE(
    "overlapping edits keep the server's words and put the incoming words in a conflict slot "
    "that every device of the IRO sees, the loser's included") {
  Council council;
  const OverlappingEdits edits(council);
  const std::uint64_t slot_seq = council.head_seq();
  const std::string slot = conflict_slot("note", slot_seq);

  // The device is told the server's words and keeps them.
  CHECK(edits.verdict.outcome == PushOutcome::conflict);
  CHECK(edits.verdict.value == text(OverlappingEdits::kKept));
  CHECK(edits.verdict.server_seq == edits.kept.server_seq);
  CHECK(edits.verdict.hlc == edits.kept.hlc);
  CHECK(council.field(edits.visit, "note")->value == text(OverlappingEdits::kKept));
  CHECK(council.field(edits.visit, "note")->seq == edits.kept.server_seq);

  // The incoming words are in the slot, with who typed them and when.
  REQUIRE(slot_seq > edits.kept.server_seq);
  const auto kept_words = council.field(edits.visit, slot);
  REQUIRE(kept_words.has_value());
  CHECK(kept_words->value == text(OverlappingEdits::kLost));
  CHECK(kept_words->device_id == kTablet);
  CHECK(kept_words->hlc == edits.lost.hlc);
  CHECK(kept_words->seq == slot_seq);
  CHECK(slots_of(council, edits.visit, "note") == 1);

  const auto history = council.history(council.ann_tablet, edits.verdict.device_seq);
  REQUIRE(history.has_value());
  CHECK(history->outcome == PushOutcome::conflict);
  CHECK(history->seq == slot_seq);
  CHECK(history->change.value == text(OverlappingEdits::kLost));
  CHECK(history->reason.empty());

  const Conflict expected{slot, "note", text(OverlappingEdits::kLost), kTablet, edits.lost.hlc};
  struct Row {
    const char* who;
    const DeviceIdentity& device;
  };
  const Row rows[] = {{"the laptop, whose words were kept", council.ann_laptop},
                      {"the tablet, whose words lost", council.ann_tablet},
                      {"the manager", council.meg_laptop}};
  for (const Row& row : rows) {
    CAPTURE(row.who);
    const auto documents = council.documents_in_scope(row.device);
    const Document* visit = find_document(documents, edits.visit);
    REQUIRE(visit != nullptr);
    CHECK(visit->conflicts == std::vector<Conflict>{expected});
    CHECK(*visit->field("note") == text(OverlappingEdits::kKept));
    CHECK(visit->field(slot) == nullptr);  // a slot is not a field of the record

    const Changes page = council.pull(row.device);
    const ChangeEntry* entry = find_entry(page, edits.visit, slot);
    REQUIRE(entry != nullptr);
    CHECK(entry->server_seq == slot_seq);
    CHECK(entry->change.value == text(OverlappingEdits::kLost));
    CHECK(entry->change.device_id == kTablet);
    CHECK(entry->change.hlc == edits.lost.hlc);
  }
  // Another IRO's devices see neither the note nor its conflict.
  const DeviceIdentity bob_tablet = council.identity_of(council.bob, council.new_id());
  CHECK(find_document(council.documents_in_scope(bob_tablet), edits.visit) == nullptr);
  CHECK(find_entry(council.pull(bob_tablet), edits.visit, slot) == nullptr);
}

TEST_CASE(
    "a retried push of a change that conflicted gets the same verdict and records no second "
    "conflict") {
  Council council;
  const OverlappingEdits edits(council);
  const std::uint64_t slot_seq = council.head_seq();
  Value server_words = text(OverlappingEdits::kKept);
  std::uint64_t server_seq = edits.kept.server_seq;

  SUBCASE("retried at once") {}
  SUBCASE("retried after the note moved on") {
    council.clock.advance(kMinute);
    const PushResult later =
        council.push(council.ann_laptop,
                     council.set_note(edits.visit, "Sam showed me the allotment. He grows beans.",
                                      edits.kept.server_seq));
    REQUIRE(later.outcome == PushOutcome::accepted);
    server_words = text("Sam showed me the allotment. He grows beans.");
    server_seq = later.server_seq;
  }
  const std::uint64_t head = council.head_seq();

  const PushResult again = council.push(council.ann_tablet, edits.lost);
  CHECK(again.outcome == PushOutcome::conflict);
  CHECK(again.device_seq == edits.verdict.device_seq);
  CHECK(again.value == server_words);  // the field as it is now
  CHECK(again.server_seq == server_seq);
  CHECK(council.head_seq() == head);
  CHECK(council.history_rows(council.ann_tablet, edits.lost.device_seq) == 1);
  CHECK(slots_of(council, edits.visit, "note") == 1);
  CHECK(council.field(edits.visit, conflict_slot("note", slot_seq))->seq == slot_seq);
  const auto documents = council.documents_in_scope(council.ann_laptop);
  CHECK(find_document(documents, edits.visit)->conflicts.size() == 1);
}

// A change that wrote nothing (the server already held its value) names no
// version of its own: a retry is answered with the field as it is now, so the
// device never records a version 0 and its next edit merges from the right base.
TEST_CASE(
    "a retried push of words the server already holds gets the same verdict, and the device's "
    "next edit from it merges cleanly") {
  Council council;
  const OverlappingEdits edits(council);
  const std::string slot = conflict_slot("note", council.head_seq());

  // Both devices resolve the conflict the same way: they take the tablet's words.
  const auto take_lost_words = [&] {
    return council.set_note(edits.visit, OverlappingEdits::kLost, edits.kept.server_seq);
  };
  const auto clear_slot = [&] {
    return set_field(edits.visit, Kind::visit, "C1", slot, Value{}, council.at(), 0);
  };
  REQUIRE(council.push(council.ann_laptop, {take_lost_words(), clear_slot()})[0].outcome ==
          PushOutcome::accepted);
  std::vector<Change> tablet_push = {take_lost_words(), clear_slot()};
  const std::vector<PushResult> first = council.push(council.ann_tablet, tablet_push);
  REQUIRE(first[0].outcome == PushOutcome::accepted);  // already the server's words
  REQUIRE(first[1].outcome == PushOutcome::accepted);  // already cleared
  CHECK(first[0].server_seq == council.field(edits.visit, "note")->seq);
  CHECK(first[1].server_seq == council.field(edits.visit, slot)->seq);

  // The tablet lost the connection before the PushAck and pushes the same changes again.
  for (std::size_t i = 0; i < tablet_push.size(); ++i) {
    tablet_push[i].device_seq = first[i].device_seq;
  }
  const std::vector<PushResult> again = council.push(council.ann_tablet, tablet_push);
  CHECK(again[0].server_seq == first[0].server_seq);  // fails: 0
  CHECK(again[1].server_seq == first[1].server_seq);  // fails: 0
  CHECK(again[0] == first[0]);
  CHECK(again[1] == first[1]);

  // The tablet's next edit starts from the version the retry reported.
  council.clock.advance(kMinute);
  const PushResult next = council.push(
      council.ann_tablet,
      council.set_note(edits.visit, "Sam showed me the greenhouse. He grows beans there.",
                       again[0].server_seq));
  CHECK(next.outcome == PushOutcome::accepted);
  CHECK(slots_of(council, edits.visit, "note") == 1);  // no second, spurious conflict
}

TEST_CASE(
    "clearing a conflict's slot resolves it on every device, and clearing it twice is "
    "harmless") {
  Council council;
  const OverlappingEdits edits(council);
  const std::uint64_t slot_seq = council.head_seq();
  const std::string slot = conflict_slot("note", slot_seq);
  const auto clear = [&](std::uint64_t base) {
    return set_field(edits.visit, Kind::visit, "C1", slot, Value{}, council.at(), base);
  };

  council.clock.advance(kMinute);
  const PushResult cleared = council.push(council.ann_laptop, clear(slot_seq));
  CHECK(cleared.outcome == PushOutcome::accepted);
  CHECK(cleared.server_seq > slot_seq);
  CHECK(cleared.server_seq == council.head_seq());
  const auto row = council.field(edits.visit, slot);
  REQUIRE(row.has_value());
  CHECK(is_unset(row->value));
  CHECK(row->seq == cleared.server_seq);
  // The note is untouched: resolving only says the IRO has dealt with the words.
  CHECK(council.field(edits.visit, "note")->value == text(OverlappingEdits::kKept));

  for (const DeviceIdentity* device : {&council.ann_laptop, &council.ann_tablet}) {
    CAPTURE(device->device_id);
    const auto documents = council.documents_in_scope(*device);
    const Document* visit = find_document(documents, edits.visit);
    REQUIRE(visit != nullptr);
    CHECK(visit->conflicts.empty());
    // Devices that hold the conflict pull the cleared slot, the clearing device's included.
    const Changes page = council.pull(*device, slot_seq);
    const ChangeEntry* entry = find_entry(page, edits.visit, slot);
    REQUIRE(entry != nullptr);
    CHECK(entry->server_seq == cleared.server_seq);
    CHECK(is_unset(entry->change.value));
  }

  // The tablet resolves it too, before hearing of the laptop's clear.
  const std::uint64_t head = council.head_seq();
  const PushResult twice = council.push(council.ann_tablet, clear(slot_seq));
  CHECK(twice.outcome == PushOutcome::accepted);
  CHECK(twice.server_seq == cleared.server_seq);
  CHECK(council.head_seq() == head);
  CHECK(council.field(edits.visit, slot)->seq == cleared.server_seq);
  CHECK(council.history(council.ann_tablet, twice.device_seq)->outcome == PushOutcome::accepted);
}

TEST_CASE(
    "the device whose words lost gets them back as a conflict, and resolving it there clears "
    "it for every device") {
  Council council;
  AnnsTabletStore tablet(council);
  const std::string visit = words_lost_on(council, tablet);
  const std::string slot = conflict_slot("note", council.head_seq());
  const auto server_slot = council.field(visit, slot);
  REQUIRE(server_slot.has_value());

  // The tablet shows the server's words, and its own in the conflict.
  CHECK(text_of(*tablet.store, visit, "note") == OverlappingEdits::kKept);
  const auto held = tablet.store->get(visit)->conflicts;
  REQUIRE(held.size() == 1);
  CHECK(held[0].slot == slot);
  CHECK(held[0].field == "note");
  CHECK(held[0].value == text(OverlappingEdits::kLost));
  CHECK(held[0].device_id == tablet.store->device_id());
  CHECK(held[0].hlc == server_slot->hlc);
  CHECK(tablet.store->outbox_size() == 0);
  CHECK(tablet.store->rejected_changes().empty());

  tablet.store->resolve_conflict(visit, slot);
  tablet.sync(council);
  CHECK(is_unset(council.field(visit, slot)->value));
  CHECK(tablet.store->get(visit)->conflicts.empty());
  CHECK(tablet.store->outbox_size() == 0);
  const auto documents = council.documents_in_scope(council.ann_laptop);
  const Document* on_server = find_document(documents, visit);
  REQUIRE(on_server != nullptr);
  CHECK(on_server->conflicts.empty());
  CHECK(*on_server->field("note") == text(OverlappingEdits::kKept));
}

// A delete's base counts the fields and the open conflicts the device holds;
// the server counts the same (a resolved conflict and the deleted flag are
// not edits), so a device that has seen everything can delete.
TEST_CASE(
    "a record whose conflict was resolved can still be deleted by a device that has seen "
    "everything") {
  Council council;
  AnnsTabletStore tablet(council);
  const std::string visit = words_lost_on(council, tablet);
  const std::string slot = tablet.store->get(visit)->conflicts.front().slot;
  tablet.store->resolve_conflict(visit, slot);
  tablet.sync(council);
  REQUIRE(tablet.store->outbox_size() == 0);

  tablet.store->remove(visit);
  const Change removal = tablet.store->outbox().front();
  tablet.sync(council);
  CHECK(council.document(visit)->deleted);
  CHECK(tablet.store->get(visit)->deleted);
  const auto history = council.history(tablet.identity, removal.device_seq);
  REQUIRE(history.has_value());
  CHECK(history->outcome == PushOutcome::accepted);
}

TEST_CASE(
    "only the server fills conflict slots: words in a slot, or a slot that holds no conflict, "
    "are refused") {
  Council council;
  const OverlappingEdits edits(council);
  const std::uint64_t slot_seq = council.head_seq();
  const std::string slot = conflict_slot("note", slot_seq);
  const std::string unknown_record = council.new_id();

  struct Row {
    const char* rule;
    std::string doc_id;
    std::string slot;
    Value value;
    std::string reason;  // words the reason must hold
  };
  const Row rows[] = {
      {"words written into a slot", edits.visit, slot, text("My words win."),
       "only the server records conflicts; a device may only clear " + slot},
      {"a slot number that was never used", edits.visit, "note#999", Value{},
       "no conflict note#999 on record " + edits.visit},
      {"a slot of a field that has no conflict", edits.visit, conflict_slot("place", slot_seq),
       Value{}, "no conflict place#"},
      {"a slot of a record the server does not have", unknown_record, "note#1", Value{},
       "no record " + unknown_record},
  };
  for (const Row& row : rows) {
    CAPTURE(row.rule);
    const std::uint64_t head = council.head_seq();
    const PushResult result = council.push(
        council.ann_tablet,
        set_field(row.doc_id, Kind::visit, "C1", row.slot, row.value, council.at(), slot_seq));
    CHECK(result.outcome == PushOutcome::refused);
    CHECK_MESSAGE(result.reason.find(row.reason) != std::string::npos, result.reason);
    CHECK(council.head_seq() == head);
    const auto history = council.history(council.ann_tablet, result.device_seq);
    REQUIRE(history.has_value());
    CHECK(history->outcome == PushOutcome::refused);
    CHECK(history->reason == result.reason);
  }
  // The conflict is still there, words and all.
  CHECK(council.field(edits.visit, slot)->value == text(OverlappingEdits::kLost));
  CHECK(slots_of(council, edits.visit, "note") == 1);
  CHECK_FALSE(council.document(unknown_record).has_value());
}

TEST_CASE("a conflict on a letter can still be cleared after the letter is issued") {
  Council council;
  const std::string letter = council.letter_at("draft");
  const std::uint64_t base = council.field(letter, "body")->seq;
  Change meeting =
      council.set_letter(letter, "body", "Dear Sam, thank you for coming to your meeting.");
  meeting.base = base;
  REQUIRE(council.push(council.ann_laptop, meeting).outcome == PushOutcome::accepted);
  Change review_today =
      council.set_letter(letter, "body", "Dear Sam, thank you for coming to your review today.");
  review_today.base = base;
  REQUIRE(council.push(council.ann_tablet, review_today).outcome == PushOutcome::conflict);
  const std::string slot = conflict_slot("body", council.head_seq());
  REQUIRE(council.field(letter, slot).has_value());

  council.clock.advance(kMinute);
  council.approve_letter(letter);
  REQUIRE(
      council.push(council.ann_laptop, council.set_letter(letter, "status", "issued")).outcome ==
      PushOutcome::accepted);
  // The letter's words are locked...
  const PushResult late_edit = council.push(
      council.ann_tablet,
      council.set_letter(letter, "body", "Dear Sam, thank you for coming to your review today."));
  REQUIRE(late_edit.outcome == PushOutcome::refused);

  // ...but resolving the conflict changes none of them.
  const PushResult cleared = council.push(
      council.ann_tablet,
      set_field(letter, Kind::letter, "C1", slot, Value{}, council.at(), council.head_seq()));
  CHECK(cleared.outcome == PushOutcome::accepted);
  CHECK(cleared.reason.empty());
  CHECK(is_unset(council.field(letter, slot)->value));
  CHECK(council.field(letter, "body")->value ==
        text("Dear Sam, thank you for coming to your meeting."));
  const auto documents = council.documents_in_scope(council.ann_laptop);
  const Document* issued = find_document(documents, letter);
  REQUIRE(issued != nullptr);
  CHECK(issued->conflicts.empty());
  CHECK(issued->locked());
}

TEST_CASE(
    "attendees edited from the same version on two devices keep both additions and the "
    "removal, whichever arrives first") {
  Council council;
  const Value original = members({"Sam", "carer", "social worker"});
  const Value laptop_edit = members({"Sam", "social worker", "teacher"});  // carer out, teacher in
  const Value tablet_edit = members({"Sam", "advocate", "carer", "social worker"});
  const Value merged = members({"Sam", "advocate", "social worker", "teacher"});

  struct Row {
    const char* order;
    const DeviceIdentity& first_device;
    const Value& first;
    const DeviceIdentity& second_device;
    const Value& second;
  };
  const Row rows[] = {
      {"the removal first", council.ann_laptop, laptop_edit, council.ann_tablet, tablet_edit},
      {"the addition first", council.ann_tablet, tablet_edit, council.ann_laptop, laptop_edit},
  };
  for (const Row& row : rows) {
    CAPTURE(row.order);
    const std::string review = council.new_id();
    const auto attendees = [&](const Value& value, std::uint64_t base) {
      return set_field(review, Kind::review, "C1", "attendees", value, council.at(), base);
    };
    const PushResult created = council.push(council.ann_laptop, attendees(original, 0));
    REQUIRE(created.outcome == PushOutcome::accepted);

    council.clock.advance(kMinute);
    CHECK(council.push(row.first_device, attendees(row.first, created.server_seq)).outcome ==
          PushOutcome::accepted);
    council.clock.advance(kMinute);
    const PushResult second =
        council.push(row.second_device, attendees(row.second, created.server_seq));
    CHECK(second.outcome == PushOutcome::merged);
    CHECK(second.value == merged);
    CHECK(second.server_seq == council.head_seq());
    CHECK(council.field(review, "attendees")->value == merged);
    CHECK(council.field(review, "attendees")->seq == second.server_seq);
    CHECK(slots_of(council, review, "attendees") == 0);
  }
}

TEST_CASE(
    "a clean merge that would be over the field's length limit is kept as a conflict "
    "instead") {
  Council council;
  const std::size_t limit = schema_for(Kind::visit).find("note")->byte_limit();
  REQUIRE(limit == kMaxTextBytes);
  const std::string middle(40 * 1024, 'a');
  const std::string original = "Start. " + middle + " End.";
  // Each side adds 20 KiB at its own end of the note: each fits, together they do not.
  const std::string laptop_words = "Start. " + std::string(20 * 1024, 'b') + " " + middle + " End.";
  const std::string tablet_words = original + " " + std::string(20 * 1024, 'c');
  REQUIRE(laptop_words.size() <= limit);
  REQUIRE(tablet_words.size() <= limit);
  const TextMerge would_be = merge_text(original, laptop_words, tablet_words);
  REQUIRE(would_be.clean);  // the edits do not overlap: only the limit stands in the way
  REQUIRE(would_be.text.size() > limit);

  const std::string visit = council.visit_note(original.c_str());
  const std::uint64_t base = council.field(visit, "note")->seq;
  const PushResult kept =
      council.push(council.ann_laptop, council.set_note(visit, laptop_words.c_str(), base));
  REQUIRE(kept.outcome == PushOutcome::accepted);
  const PushResult verdict =
      council.push(council.ann_tablet, council.set_note(visit, tablet_words.c_str(), base));

  CHECK(verdict.outcome == PushOutcome::conflict);
  CHECK(verdict.value == Value{laptop_words});
  CHECK(verdict.server_seq == kept.server_seq);
  CHECK(council.field(visit, "note")->value == Value{laptop_words});
  const auto slot = council.field(visit, conflict_slot("note", council.head_seq()));
  REQUIRE(slot.has_value());
  CHECK(slot->value == Value{tablet_words});  // kept whole
  CHECK(slot->device_id == kTablet);
  CHECK(council.history(council.ann_tablet, verdict.device_seq)->outcome == PushOutcome::conflict);
}

TEST_CASE(
    "after a child moves to another IRO, that IRO's devices edit from the renumbered version "
    "and merge without a spurious conflict") {
  Council council;
  const char* original = "Sam showed me the garden.";
  const std::string visit = council.visit_note(original);
  const std::uint64_t ann_base = council.field(visit, "note")->seq;

  council.clock.advance(kMinute);
  council.write_with_clock(
      [&](StoreTxn& txn, TxnClock& clock) { allocate_child(txn, "C1", council.bob, clock); });
  const DeviceIdentity bob_laptop = council.identity_of(council.bob, council.new_id());
  const DeviceIdentity bob_tablet = council.identity_of(council.bob, council.new_id());

  // Bob's devices pull the note at its new number and edit from it.
  const Changes page = council.pull(bob_laptop);
  const ChangeEntry* pulled = find_entry(page, visit, "note");
  REQUIRE(pulled != nullptr);
  CHECK(pulled->server_seq > ann_base);
  CHECK(pulled->change.value == text(original));
  const std::uint64_t bob_base = pulled->server_seq;

  council.clock.advance(kMinute);
  const auto note = [&](const char* words, std::uint64_t base) {
    return set_field(visit, Kind::visit, "C1", "note", text(words), council.at(), base);
  };
  const PushResult fast_forward =
      council.push(bob_laptop, note("Today Sam showed me the garden.", bob_base));
  CHECK(fast_forward.outcome == PushOutcome::accepted);

  const PushResult merged =
      council.push(bob_tablet, note("Sam showed me the garden. He was proud of it.", bob_base));
  CHECK(merged.outcome == PushOutcome::merged);
  CHECK(merged.value == text("Today Sam showed me the garden. He was proud of it."));

  // Ann's laptop still pushes the edit it made before the move, from the old
  // number. Merged, but the answer does not show her Bob's words: the child
  // is no longer hers to read.
  const PushResult late =
      council.push(council.ann_laptop, note("Sam showed me the big garden.", ann_base));
  CHECK(late.outcome == PushOutcome::merged);
  CHECK(is_unset(late.value));

  CHECK(council.field(visit, "note")->value ==
        text("Today Sam showed me the big garden. He was proud of it."));
  CHECK(slots_of(council, visit, "note") == 0);
}

TEST_CASE(
    "a tablet whose clock is a year fast merges its note edits like any other device, and its "
    "timestamps are re-stamped") {
  Council council;
  const char* original = "Sam showd me the garden.";
  const char* fast_words = "Sam showd me the garden.\n\nHe wants to stay at his school.";
  const char* laptop_words = "Sam showed me the garden.";
  const Value merged = text("Sam showed me the garden.\n\nHe wants to stay at his school.");

  for (const bool fast_first : {true, false}) {
    CAPTURE(fast_first);
    const std::string visit = council.visit_note(original);
    const std::uint64_t base = council.field(visit, "note")->seq;
    const std::uint64_t now = council.clock.now_ms();
    Change fast = council.set_note(visit, fast_words, base);
    fast.hlc = council.at(kYear);
    const Change laptop = council.set_note(visit, laptop_words, base);

    PushResult fast_verdict, laptop_verdict;
    if (fast_first) {
      fast_verdict = council.push(council.ann_tablet, fast);
      laptop_verdict = council.push(council.ann_laptop, laptop);
    } else {
      laptop_verdict = council.push(council.ann_laptop, laptop);
      fast_verdict = council.push(council.ann_tablet, fast);
    }
    const PushResult& second = fast_first ? laptop_verdict : fast_verdict;
    CHECK((fast_first ? fast_verdict : laptop_verdict).outcome == PushOutcome::accepted);
    CHECK(second.outcome == PushOutcome::merged);
    CHECK(second.value == merged);

    CHECK(fast_verdict.hlc.ms() >= now);
    CHECK(fast_verdict.hlc.ms() < now + kMaxClockAheadMs);
    const auto history = council.history(council.ann_tablet, fast_verdict.device_seq);
    REQUIRE(history.has_value());
    CHECK(history->change.hlc == fast.hlc);  // as the tablet sent it
    CHECK(history->stamped_hlc.ms() < now + kMaxClockAheadMs);

    const auto note = council.field(visit, "note");
    CHECK(note->value == merged);
    CHECK(note->hlc.ms() < now + kMaxClockAheadMs);
    CHECK(slots_of(council, visit, "note") == 0);
    council.clock.advance(kMinute);
  }

  // Words from the fast tablet that overlap are kept in a slot, stamped by the server too.
  const std::string visit = council.visit_note(OverlappingEdits::kOriginal);
  const std::uint64_t base = council.field(visit, "note")->seq;
  REQUIRE(council.push(council.ann_laptop, council.set_note(visit, OverlappingEdits::kKept, base))
              .outcome == PushOutcome::accepted);
  Change fast = council.set_note(visit, OverlappingEdits::kLost, base);
  fast.hlc = council.at(kYear);
  CHECK(council.push(council.ann_tablet, fast).outcome == PushOutcome::conflict);
  const auto slot = council.field(visit, conflict_slot("note", council.head_seq()));
  REQUIRE(slot.has_value());
  CHECK(slot->value == text(OverlappingEdits::kLost));
  CHECK(slot->hlc.ms() < council.clock.now_ms() + kMaxClockAheadMs);
}

TEST_CASE(
    "the quarantine lists refused changes with their reasons, newest first, one council at a "
    "time") {
  Council council;
  const std::string letter = council.letter_at("issued");
  const std::string vale_letter = council.new_id();
  // Vale's manager approves and issues it.
  const std::string vic = council.add_user("vale", "Vic Manager", server::Role::manager);
  const auto vic_laptop = council.identity_of(vic, council.new_id());
  REQUIRE(
      council
          .push(
              vic_laptop,
              {set_field(vale_letter, Kind::letter, "V1", "body", text("Dear Vi,"), council.at()),
               set_field(vale_letter, Kind::letter, "V1", "approved_by", Value{vic}, council.at()),
               set_field(vale_letter, Kind::letter, "V1", "status", text("issued"), council.at())})
          .back()
          .outcome == PushOutcome::accepted);
  const OverlappingEdits conflict(council);  // a conflict is not a refusal
  REQUIRE(conflict.verdict.outcome == PushOutcome::conflict);

  council.clock.advance(kMinute);
  const PushResult shire_edit = council.push(
      council.ann_tablet, council.set_letter(letter, "body", "Dear Sam, one more thing."));
  council.clock.advance(kMinute);
  const PushResult vale_edit =
      council.push(council.val_tablet, set_field(vale_letter, Kind::letter, "V1", "body",
                                                 text("Dear Vi, one more thing."), council.at()));
  council.clock.advance(kMinute);
  const PushResult shire_delete =
      council.push(council.ann_tablet, council.deletion(letter, Kind::letter, council.head_seq()));
  for (const PushResult* refused : {&shire_edit, &vale_edit, &shire_delete}) {
    REQUIRE(refused->outcome == PushOutcome::refused);
  }

  const auto shire = council.quarantine("shire");
  REQUIRE(shire.size() == 2);
  CHECK(shire[0].change.op == ChangeOp::delete_document);
  CHECK(shire[0].device_seq == shire_delete.device_seq);
  CHECK(shire[0].reason == shire_delete.reason);
  CHECK(shire[1].change.doc_id == letter);
  CHECK(shire[1].change.field == "body");
  CHECK(shire[1].change.value == text("Dear Sam, one more thing."));
  CHECK(shire[1].change.device_id == kTablet);
  CHECK(shire[1].reason == shire_edit.reason);
  CHECK(shire[1].reason.find("issued and cannot change; record an addendum instead") !=
        std::string::npos);
  CHECK(shire[0].received_ms > shire[1].received_ms);
  for (const HistoryRow& row : shire) {
    CHECK(row.tenant == "shire");
    CHECK(row.outcome == PushOutcome::refused);
    CHECK(row.seq == 0);  // it changed nothing
  }

  const auto vale = council.quarantine("vale");
  REQUIRE(vale.size() == 1);
  CHECK(vale[0].change.doc_id == vale_letter);
  CHECK(vale[0].tenant == "vale");
  CHECK(vale[0].reason == vale_edit.reason);

  const auto everywhere = council.quarantine("");
  REQUIRE(everywhere.size() == 3);
  CHECK(everywhere[0].change.op == ChangeOp::delete_document);
  CHECK(everywhere[1].change.doc_id == vale_letter);
  CHECK(everywhere[2].change.doc_id == letter);
  CHECK(everywhere[2].change.field == "body");

  const auto newest = council.quarantine("shire", 1);
  REQUIRE(newest.size() == 1);
  CHECK(newest[0].device_seq == shire_delete.device_seq);
}
