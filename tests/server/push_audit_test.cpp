// Every pushed change's outcome in the audit log, as apply_push writes it in
// the push's own transaction: accepted, merged, conflict, and each kind of
// refusal, by its reason and never by the words the device sent.
#include "service/reconcile.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "server/server_fixture.hpp"
#include "store/audit_row.hpp"

using namespace iro;
using namespace iro::server;
using namespace iro::test;

namespace {

// The audit entry of the last change pushed.
AuditRow last_entry(Council& council) {
  const std::vector<AuditRow> rows = council.audit();
  REQUIRE_FALSE(rows.empty());
  return rows.back();
}

}  // namespace

TEST_CASE("accepted, merged, conflicting and deleting changes are audited with record and field") {
  Council council;
  const std::string visit = council.new_id();
  const PushResult created = council.push(
      council.ann_laptop, council.set_note(visit, "The garden was tidy and the cat was asleep."));
  REQUIRE(created.outcome == PushOutcome::accepted);
  AuditRow row = last_entry(council);
  CHECK(row.action == "push");
  CHECK(row.outcome == "accepted");
  CHECK(row.actor == kLaptop);
  CHECK(row.device_id == kLaptop);
  CHECK(row.user_id == council.ann);
  CHECK(row.tenant == "shire");
  CHECK(row.child_id == "C1");
  CHECK(row.doc_id == visit);
  CHECK(row.detail == "visit.note");

  // The same change again (a retry after a cut) is audited as a retry: what
  // it was answered is a disclosure like any other.
  const std::size_t entries = council.audit().size();
  Change retry = council.set_note(visit, "The garden was tidy and the cat was asleep.");
  retry.device_seq = created.device_seq;
  council.push(council.ann_laptop, retry);
  REQUIRE(council.audit().size() == entries + 1);
  CHECK(last_entry(council).detail == "visit.note: a retry, answered as before");
  CHECK(last_entry(council).outcome == "accepted");

  // A scalar with an older timestamp than the server's: merged (the server's value stays).
  const std::string review = council.town_hall_review();
  council.push(council.ann_laptop,
               set_field(review, Kind::review, "C1", "venue", text("School"), council.at(5000)));
  REQUIRE(council
              .push(council.ann_tablet,
                    set_field(review, Kind::review, "C1", "venue", text("Library"), council.at()))
              .outcome == PushOutcome::merged);
  row = last_entry(council);
  CHECK(row.outcome == "merged");
  CHECK(row.actor == kTablet);
  CHECK(row.detail == "review.venue");

  // Overlapping edits of the same words from one base: a conflict, kept in a slot.
  council.push(council.ann_laptop,
               council.set_note(visit, "The garden was overgrown and the cat was asleep.",
                                created.server_seq));
  Change tablet_edit =
      council.set_note(visit, "The garden was muddy and the cat was asleep.", created.server_seq);
  const PushResult conflict = council.push(council.ann_tablet, tablet_edit);
  REQUIRE(conflict.outcome == PushOutcome::conflict);
  row = last_entry(council);
  CHECK(row.outcome == "conflict");
  CHECK(row.detail.starts_with("visit.note: kept as conflict note#"));

  council.push(council.ann_laptop, council.deletion(visit, Kind::visit, council.head_seq()));
  row = last_entry(council);
  CHECK(row.outcome == "accepted");
  CHECK(row.detail == "visit deleted");

  for (const AuditRow& entry : council.audit()) {
    for (const char* word : {"garden", "cat", "overgrown", "muddy", "School", "Library"}) {
      CAPTURE(entry.detail);
      CHECK(entry.detail.find(word) == std::string::npos);
    }
  }
}

TEST_CASE("each refused change is audited by why, without the value it carried") {
  Council council;
  const std::string theirs = council.new_id();
  REQUIRE(council
              .push(council.val_tablet, set_field(theirs, Kind::visit, "V1", "note",
                                                  text("Vale's own visit."), council.at()))
              .outcome == PushOutcome::accepted);
  const std::string letter = council.letter_at("issued");
  const std::string young_review = council.new_id();
  REQUIRE(council
              .push(council.ann_laptop, set_field(young_review, Kind::review, "C3", "date",
                                                  Date::from_ymd(2024, 4, 30), council.at()))
              .outcome == PushOutcome::accepted);

  struct Attack {
    const char* what;
    Change change;
    const char* child;
    std::string detail;
  };
  const Attack attacks[] = {
      {"another IRO's child",
       set_field(council.new_id(), Kind::visit, "C2", "note", text("Peeking at Bob's child.")),
       "C2", "visit.note: the child is not in this user's caseload"},
      {"another council's child",
       set_field(council.new_id(), Kind::visit, "V1", "note", text("Peeking at Vale's child.")),
       "V1", "visit.note: no such child in this council"},
      {"another council's record", council.set_note(theirs, "Overwriting Vale's visit."), "C1",
       "visit.note: the record id is another council's record"},
      {"a locked record", council.set_letter(letter, "body", "Rewriting the issued letter."), "C1",
       "letter.body: letter " + letter +
           " is issued and cannot change; record an addendum instead"},
      {"a value the field does not allow",
       set_field(council.new_id(), Kind::review, "C1", "participation_code", text("PN9")), "C1",
       "review.participation_code: not a valid value of this field"},
      {"a rule across fields",
       set_field(young_review, Kind::review, "C3", "participation_code", text("PN1")), "C3",
       "review.participation_code: breaks a rule across the record's fields"},
  };
  for (const Attack& attack : attacks) {
    CAPTURE(attack.what);
    Change change = attack.change;
    change.hlc = council.at();
    const PushResult result = council.push(council.ann_laptop, change);
    CHECK(result.outcome == PushOutcome::refused);
    const AuditRow row = last_entry(council);
    CHECK(row.action == "push");
    CHECK(row.outcome == "refused");
    CHECK(row.actor == kLaptop);
    CHECK(row.user_id == council.ann);
    CHECK(row.child_id == attack.child);
    CHECK(row.doc_id == change.doc_id);
    CHECK(row.detail == attack.detail);
  }
  // The quarantine keeps the device's reason, the cross-field one included.
  const std::vector<HistoryRow> held = council.quarantine("shire");
  REQUIRE_FALSE(held.empty());
  CHECK(held.front().reason.find("does not fit a child aged 1") != std::string::npos);

  for (const AuditRow& entry : council.audit()) {
    for (const char* word : {"Peeking", "Overwriting", "Rewriting", "PN9", "PN1"}) {
      CAPTURE(entry.detail);
      CHECK(entry.detail.find(word) == std::string::npos);
    }
  }
}

TEST_CASE("a record pushed whole shares one audit entry, a refusal in the same push has its own") {
  Council council;
  const std::size_t before = council.audit().size();
  const std::string visit = council.new_id();
  const std::string other_visit = council.new_id();
  const std::vector<PushResult> results = council.push(
      council.ann_laptop,
      {set_field(visit, Kind::visit, "C1", "note", text("Seen at home."), council.at()),
       set_field(visit, Kind::visit, "C1", "place", text("Foster home"), council.at()),
       set_field(visit, Kind::visit, "C1", "date", Date::from_ymd(2026, 11, 2), council.at()),
       set_field(council.new_id(), Kind::visit, "C2", "note", text("Bob's child."), council.at()),
       set_field(other_visit, Kind::visit, "C1", "note", text("Seen at school."), council.at())});
  REQUIRE(results.size() == 5);
  CHECK(results[3].outcome == PushOutcome::refused);

  std::vector<AuditRow> rows = council.audit();
  REQUIRE(rows.size() == before + 3);
  rows.erase(rows.begin(), rows.begin() + std::ptrdiff_t(before));
  // In the order of each entry's first change.
  CHECK(rows[0].doc_id == visit);
  CHECK(rows[0].outcome == "accepted");
  CHECK(rows[0].detail == "visit.note, place, date");
  CHECK(rows[1].outcome == "refused");
  CHECK(rows[1].child_id == "C2");
  CHECK(rows[1].detail == "visit.note: the child is not in this user's caseload");
  CHECK(rows[2].doc_id == other_visit);
  CHECK(rows[2].detail == "visit.note");
}
