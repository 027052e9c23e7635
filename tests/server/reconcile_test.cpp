// The merge rules (docs/ARCHITECTURE.md, "Merge") as the server applies
// them: apply_push on a real SQLite server store, one push per transaction,
// as the commit queue runs it.
#include "service/reconcile.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "iro/merge.hpp"
#include "server/server_fixture.hpp"

using namespace iro;
using namespace iro::server;
using namespace iro::test;

TEST_CASE(
    "a new visit from an IRO's device for an allocated child is accepted with increasing "
    "server seqs and kept in the history") {
  Council council;
  const std::uint64_t head_before = council.head_seq();
  const std::string visit = council.new_id();
  const auto results = council.push(
      council.ann_laptop,
      {council.set_note(visit, "Sam showed me the garden."),
       set_field(visit, Kind::visit, "C1", "date", Date::from_ymd(2024, 4, 30), council.at())});

  for (const PushResult& result : results) {
    CHECK(result.outcome == PushOutcome::accepted);
    CHECK(result.reason.empty());
    CHECK(result.document_known);
  }
  CHECK(results[0].device_seq == 1);
  CHECK(results[1].device_seq == 2);
  CHECK(results[0].server_seq > head_before);
  CHECK(results[1].server_seq > results[0].server_seq);
  CHECK(council.head_seq() == results[1].server_seq);

  const auto history = council.history(council.ann_laptop, 1);
  REQUIRE(history.has_value());
  CHECK(history->outcome == PushOutcome::accepted);
  CHECK(history->seq == results[0].server_seq);
  CHECK(history->tenant == "shire");
  CHECK(history->change.doc_id == visit);
  CHECK(history->change.value == text("Sam showed me the garden."));

  const auto note = council.field(visit, "note");
  REQUIRE(note.has_value());
  CHECK(note->value == text("Sam showed me the garden."));
  CHECK(note->device_id == kLaptop);
  CHECK(note->seq == results[0].server_seq);
}

TEST_CASE("the later HLC wins a scalar field whichever change arrives first") {
  Council council;
  const std::string review = council.town_hall_review();
  const Change earlier =
      set_field(review, Kind::review, "C1", "venue", text("School"), council.at(1000));
  Change later = earlier;
  later.value = text("Library");
  later.hlc = council.at(2000);

  SUBCASE("the later change arrives first: the earlier one is merged into it") {
    CHECK(council.push(council.ann_laptop, later).outcome == PushOutcome::accepted);
    const PushResult loser = council.push(council.ann_tablet, earlier);
    CHECK(loser.outcome == PushOutcome::merged);
    CHECK(loser.value == text("Library"));
    CHECK(loser.hlc == later.hlc);
  }
  SUBCASE("the earlier change arrives first: the later one replaces it") {
    CHECK(council.push(council.ann_tablet, earlier).outcome == PushOutcome::accepted);
    CHECK(council.push(council.ann_laptop, later).outcome == PushOutcome::accepted);
  }
  const auto venue = council.field(review, "venue");
  REQUIRE(venue.has_value());
  CHECK(venue->value == text("Library"));
  CHECK(venue->hlc == later.hlc);
  CHECK(venue->device_id == kLaptop);
}

TEST_CASE("an equal HLC is broken by device id: the greater id wins in either order") {
  Council council;
  const std::string review = council.town_hall_review();
  const Hlc same = council.at(1000);
  const Change from_laptop = set_field(review, Kind::review, "C1", "venue", text("Library"), same);
  Change from_tablet = from_laptop;
  from_tablet.value = text("School");
  REQUIRE(kTablet > kLaptop);

  SUBCASE("the laptop first") {
    council.push(council.ann_laptop, from_laptop);
    CHECK(council.push(council.ann_tablet, from_tablet).outcome == PushOutcome::accepted);
  }
  SUBCASE("the tablet first") {
    council.push(council.ann_tablet, from_tablet);
    const PushResult loser = council.push(council.ann_laptop, from_laptop);
    CHECK(loser.outcome == PushOutcome::merged);
    CHECK(loser.value == text("School"));
  }
  CHECK(council.field(review, "venue")->value == text("School"));
}

TEST_CASE(
    "a change from a tablet a year fast is re-stamped to the server's clock and loses to "
    "an edit made a minute later") {
  Council council;
  const std::string review = council.town_hall_review();
  const std::uint64_t server_now = council.clock.now_ms();

  const Change fast =
      set_field(review, Kind::review, "C1", "venue", text("Car park"), council.at(kYear));
  const PushResult stamped = council.push(council.ann_tablet, fast);
  CHECK(stamped.outcome == PushOutcome::accepted);
  CHECK(stamped.hlc.ms() >= server_now);
  CHECK(stamped.hlc.ms() <= server_now + 1000);
  // The history keeps what the tablet sent, and what the server made of it.
  const auto history = council.history(council.ann_tablet, stamped.device_seq);
  REQUIRE(history.has_value());
  CHECK(history->change.hlc == fast.hlc);
  CHECK(history->stamped_hlc == stamped.hlc);
  // The server's own clock did not jump a year either.
  Hlc server_hlc;
  council.store->read([&](StoreTxn& txn) { server_hlc = txn.server_hlc(); });
  CHECK(server_hlc.ms() < server_now + kMaxClockAheadMs);

  council.clock.advance(kMinute);
  const PushResult minute_later =
      council.push(council.ann_laptop,
                   set_field(review, Kind::review, "C1", "venue", text("Library"), council.at()));
  CHECK(minute_later.outcome == PushOutcome::accepted);
  CHECK(council.field(review, "venue")->value == text("Library"));
}

TEST_CASE(
    "a status only moves forward: an approved letter stays approved on submitted and "
    "moves on to issued") {
  Council council;
  const std::string letter = council.letter_at("approved");

  const PushResult back =
      council.push(council.ann_tablet, council.set_letter(letter, "status", "submitted"));
  CHECK(back.outcome == PushOutcome::merged);
  CHECK(back.value == text("approved"));
  CHECK(council.field(letter, "status")->value == text("approved"));

  const PushResult forward =
      council.push(council.ann_tablet, council.set_letter(letter, "status", "issued"));
  CHECK(forward.outcome == PushOutcome::accepted);
  CHECK(council.field(letter, "status")->value == text("issued"));
}

TEST_CASE(
    "an issued letter is locked: a later edit is refused with a pointer to an addendum and "
    "kept in the history") {
  Council council;
  const std::string letter = council.letter_at("issued");
  const Value issued_body = council.field(letter, "body")->value;

  const PushResult edit = council.push(
      council.ann_tablet, council.set_letter(letter, "body", "Dear Sam, one more thing."));
  CHECK(edit.outcome == PushOutcome::refused);
  CHECK(edit.reason.find("addendum") != std::string::npos);
  CHECK(edit.document_known);
  CHECK(edit.value == issued_body);  // the device reverts to what was issued
  CHECK(council.field(letter, "body")->value == issued_body);

  const auto history = council.history(council.ann_tablet, edit.device_seq);
  REQUIRE(history.has_value());
  CHECK(history->outcome == PushOutcome::refused);
  CHECK(history->reason == edit.reason);
  CHECK(history->change.value == text("Dear Sam, one more thing."));

  const PushResult remove =
      council.push(council.ann_tablet, council.deletion(letter, Kind::letter, council.head_seq()));
  CHECK(remove.outcome == PushOutcome::refused);
  CHECK(remove.reason.find("addendum") != std::string::npos);
  CHECK_FALSE(council.document(letter)->deleted);
}

TEST_CASE("a delete from a device that had not seen a later edit does not delete") {
  Council council;
  const std::string visit = council.visit_note("First draft.");
  const std::uint64_t seen = council.field(visit, "note")->seq;
  council.clock.advance(kMinute);
  const PushResult edit =
      council.push(council.ann_tablet, council.set_note(visit, "Second draft.", seen));
  REQUIRE(edit.outcome == PushOutcome::accepted);

  const PushResult remove =
      council.push(council.ann_laptop, council.deletion(visit, Kind::visit, seen));
  CHECK(remove.outcome == PushOutcome::merged);
  CHECK(remove.server_seq == edit.server_seq);
  CHECK_FALSE(council.document(visit)->deleted);
  CHECK(council.field(visit, "note")->value == text("Second draft."));
}

TEST_CASE("a delete from a device that had seen every edit deletes the document") {
  Council council;
  const std::string visit = council.visit_note("Wrong child.");
  const PushResult remove =
      council.push(council.ann_laptop, council.deletion(visit, Kind::visit, council.head_seq()));
  CHECK(remove.outcome == PushOutcome::accepted);
  CHECK(council.document(visit)->deleted);
  const auto flag = council.field(visit, "");
  REQUIRE(flag.has_value());
  CHECK(flag->value == Value{true});
  CHECK(flag->seq == remove.server_seq);
}

TEST_CASE("a record made and deleted on one device before it synced arrives deleted") {
  // Offline, the IRO writes a record and deletes it: the push carries both,
  // the delete with base 0. The device had seen its own words; nobody else's
  // edit stands in the way, so the delete takes effect.
  Council council;
  const std::string visit = council.new_id();
  const std::vector<PushResult> pushed =
      council.push(council.ann_tablet,
                   {set_field(visit, Kind::visit, "C1", "note", text("Wrong child."), council.at()),
                    delete_document(visit, Kind::visit, "C1", council.at(1), 0)});
  CHECK(pushed[0].outcome == PushOutcome::accepted);
  CHECK(pushed[1].outcome == PushOutcome::accepted);
  CHECK(council.document(visit)->deleted);

  // Its twin's edit, which it had not seen, still outlives its delete.
  const std::string kept = council.new_id();
  const PushResult written = council.push(
      council.ann_laptop,
      set_field(kept, Kind::visit, "C1", "note", text("Written on the laptop."), council.at()));
  REQUIRE(written.outcome == PushOutcome::accepted);
  const PushResult remove =
      council.push(council.ann_tablet, delete_document(kept, Kind::visit, "C1", council.at(2), 0));
  CHECK(remove.outcome == PushOutcome::merged);
  CHECK_FALSE(council.document(kept)->deleted);
}

TEST_CASE("an edit whose base predates a delete restores the document") {
  Council council;
  const std::string visit = council.visit_note("First draft.");
  const std::uint64_t seen = council.field(visit, "note")->seq;
  REQUIRE(council.push(council.ann_laptop, council.deletion(visit, Kind::visit, seen)).outcome ==
          PushOutcome::accepted);
  REQUIRE(council.document(visit)->deleted);

  council.clock.advance(kMinute);
  const PushResult edit =
      council.push(council.ann_tablet, council.set_note(visit, "Kept after all.", seen));
  CHECK(edit.outcome == PushOutcome::accepted);
  CHECK_FALSE(council.document(visit)->deleted);
  CHECK(council.field(visit, "")->value == Value{false});
  CHECK(council.field(visit, "note")->value == text("Kept after all."));
  // The restore travels to devices like any change: it has the newest seq.
  CHECK(council.field(visit, "")->seq == council.head_seq());
}

TEST_CASE("the same change pushed twice gets the same verdict and is applied once") {
  Council council;
  const std::string review = council.town_hall_review();
  struct Row {
    const char* rule;
    Change change;
    PushOutcome outcome;
  };
  const Row rows[] = {
      {"accepted", council.set_note(council.new_id(), "Pushed, then the line dropped."),
       PushOutcome::accepted},
      {"merged",
       set_field(review, Kind::review, "C1", "venue", text("School"),
                 Hlc::from_parts(council.clock.now_ms() - kMinute, 0)),
       PushOutcome::merged},
      {"refused",
       set_field(council.new_id(), Kind::visit, "C2", "note", text("Not my child."), council.at()),
       PushOutcome::refused},
  };
  std::uint64_t device_seq = 100;
  for (const Row& row : rows) {
    CAPTURE(row.rule);
    Change change = row.change;
    change.device_seq = ++device_seq;
    const PushResult first = council.push(council.ann_tablet, change);
    CHECK(first.outcome == row.outcome);
    const std::uint64_t head = council.head_seq();

    const PushResult again = council.push(council.ann_tablet, change);
    CHECK(again == first);
    CHECK(council.head_seq() == head);
    CHECK(council.history_rows(council.ann_tablet, device_seq) == 1);
  }
}

TEST_CASE("changes that break a rule are refused with a reason the IRO can act on") {
  Council council;
  const std::string visit = council.visit_note("An existing visit of C1.");
  const std::string young_review = council.new_id();
  REQUIRE(council
              .push(council.ann_laptop, set_field(young_review, Kind::review, "C3", "date",
                                                  Date::from_ymd(2024, 4, 30), council.at()))
              .outcome == PushOutcome::accepted);

  struct Row {
    const char* rule;
    Change change;
    const char* reason;  // words the reason must hold
    bool document_known;
  };
  const Row rows[] = {
      {"a child allocated to another IRO",
       set_field(council.new_id(), Kind::visit, "C2", "note", text("Visited Bob's child.")),
       "not in your caseload", false},
      {"a child record made on a device",
       set_field(council.new_id(), Kind::child, "C1", "preferred_name", text("Sammy")),
       "child records come from the server", false},
      {"a participation code that does not exist",
       set_field(council.new_id(), Kind::review, "C1", "participation_code", text("PN9")),
       "\"PN9\" is not one of", false},
      {"a participation code that does not fit the child's age",
       set_field(young_review, Kind::review, "C3", "participation_code", text("PN1")),
       "does not fit a child aged 1", true},
      {"an existing visit claimed as a review",
       set_field(visit, Kind::review, "C1", "venue", text("Library")),
       "is a visit of child C1, not a review of child C1", true},
      {"an existing visit claimed for another child",
       set_field(visit, Kind::visit, "C3", "note", text("Moved to C3.")),
       "is a visit of child C1, not a visit of child C3", true},
      {"a field the kind does not have", set_field(visit, Kind::visit, "C1", "mood", text("happy")),
       "visit has no field \"mood\"", true},
  };
  for (const Row& row : rows) {
    CAPTURE(row.rule);
    Change change = row.change;
    change.hlc = council.at();
    const std::uint64_t head = council.head_seq();
    const PushResult result = council.push(council.ann_laptop, change);
    CHECK(result.outcome == PushOutcome::refused);
    CHECK_MESSAGE(result.reason.find(row.reason) != std::string::npos, result.reason);
    CHECK(result.document_known == row.document_known);
    CHECK(council.head_seq() == head);  // nothing changed
    const auto history = council.history(council.ann_laptop, result.device_seq);
    REQUIRE(history.has_value());
    CHECK(history->outcome == PushOutcome::refused);
  }
  CHECK(council.document(visit)->kind == Kind::visit);
  CHECK(council.document(visit)->child_id == "C1");
  CHECK_FALSE(council.field(young_review, "participation_code").has_value());
}

TEST_CASE("a participation code that fits the child's age is accepted") {
  Council council;
  const std::string review = council.new_id();
  const auto results = council.push(
      council.ann_laptop,
      {set_field(review, Kind::review, "C3", "date", Date::from_ymd(2024, 4, 30), council.at()),
       set_field(review, Kind::review, "C3", "participation_code", text("PN0"), council.at())});
  CHECK(results[0].outcome == PushOutcome::accepted);
  CHECK(results[1].outcome == PushOutcome::accepted);
}

TEST_CASE("a delete of another council's document is refused as an unknown record") {
  Council council;
  const std::string theirs = council.new_id();
  REQUIRE(council
              .push(council.val_tablet, set_field(theirs, Kind::visit, "V1", "note",
                                                  text("Vale's visit."), council.at()))
              .outcome == PushOutcome::accepted);

  const PushResult result =
      council.push(council.ann_laptop, council.deletion(theirs, Kind::visit, council.head_seq()));
  CHECK(result.outcome == PushOutcome::refused);
  CHECK(result.reason == "record id " + theirs + " is already in use; the record was not saved");
  CHECK_FALSE(result.document_known);
  CHECK_FALSE(council.document(theirs)->deleted);
}

// Document ids are global: a push naming another council's record must not
// create "a new" record over it (rows are keyed by id alone).
TEST_CASE("an edit claiming another council's document id leaves that council's record untouched") {
  Council council;
  const std::string theirs = council.new_id();
  REQUIRE(council
              .push(council.val_tablet, set_field(theirs, Kind::visit, "V1", "note",
                                                  text("Vale's visit."), council.at()))
              .outcome == PushOutcome::accepted);
  const std::vector<Document> vale_before = council.documents_in_scope(council.val_tablet);

  council.clock.advance(kMinute);
  const PushResult result =
      council.push(council.ann_laptop, council.set_note(theirs, "Overwritten by shire."));
  CHECK(result.outcome == PushOutcome::refused);
  CHECK_FALSE(result.document_known);
  CHECK(council.documents_in_scope(council.val_tablet) == vale_before);
  CHECK_FALSE(council.document(theirs).has_value());  // shire has no such record
  CHECK(council.document(theirs, "vale")->tenant == "vale");
  CHECK(council.field(theirs, "note", "vale")->value == text("Vale's visit."));
}

TEST_CASE("a manager may write for any child of their council but not another council's") {
  Council council;
  for (const char* child : {"C1", "C2", "C3"}) {
    CAPTURE(child);
    const PushResult result =
        council.push(council.meg_laptop, set_field(council.new_id(), Kind::visit, child, "note",
                                                   text("Audit visit."), council.at()));
    CHECK(result.outcome == PushOutcome::accepted);
  }
  const PushResult elsewhere = council.push(
      council.meg_laptop,
      set_field(council.new_id(), Kind::visit, "V1", "note", text("Not ours."), council.at()));
  CHECK(elsewhere.outcome == PushOutcome::refused);
  CHECK(elsewhere.reason.find("not in your caseload") != std::string::npos);
}
