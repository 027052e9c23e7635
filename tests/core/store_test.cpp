#include "iro/store.hpp"

#include <doctest/doctest.h>

#include <fstream>

#include "iro/error.hpp"
#include "store/device_schema.hpp"
#include "store/sqlite.hpp"
#include "support/device_fixture.hpp"
#include "support/expect_error.hpp"

using namespace iro;
using namespace iro::test;

namespace {

struct Fixture : DeviceFixture {
  // A child record as a pull from the server would deliver it.
  void receive_child(const std::string& child_id, const char* date_of_birth) {
    ChangeEntry change;
    change.change.doc_id = "01890a5d-ac96-774b-bcce-b302099a0001";
    change.change.kind = Kind::child;
    change.change.child_id = child_id;
    change.change.field = "date_of_birth";
    change.change.value = *Date::parse(date_of_birth);
    change.change.hlc = Hlc::from_parts(clock.now_ms(), 0);
    change.server_seq = 11;
    store->apply_changes(std::span(&change, 1), 0);
  }
};

}  // namespace

TEST_CASE("a new store has a device id, the current schema and an empty outbox") {
  Fixture fixture;
  const DeviceStatus status = fixture.store->status();
  CHECK(status.device_id.size() == 36);
  CHECK(status.schema_version == kDeviceSchemaVersion);
  CHECK(status.pending_changes == 0);
  CHECK_FALSE(status.last_sync_ms.has_value());
  const std::string device_id = fixture.store->device_id();
  fixture.store.reset();
  CHECK(fixture.open()->device_id() == device_id);  // stable across reopening
}

TEST_CASE("a store says whether this open created it and whether it is encrypted") {
  Fixture plain;
  CHECK(plain.store->created());
  CHECK_FALSE(plain.store->encrypted());
  CHECK_FALSE(plain.store->status().encrypted);
  plain.store = plain.open();
  CHECK_FALSE(plain.store->created());

  DeviceFixture encrypted(EncryptionKey{1, 2, 3});
  CHECK(encrypted.store->created());
  CHECK(encrypted.store->encrypted());
  CHECK(encrypted.store->status().encrypted);
  encrypted.store = encrypted.open();
  CHECK_FALSE(encrypted.store->created());
  CHECK(encrypted.store->status().encrypted);
}

TEST_CASE("the store runs in WAL mode") {
  Fixture fixture;
  sqlite::Database raw(fixture.dir / "device.db");
  CHECK(raw.query_text("PRAGMA journal_mode") == "wal");
}

TEST_CASE("recording a visit note writes the document and one outbox change per field") {
  Fixture fixture;
  const std::string id = fixture.store->create(
      Kind::visit, "C1",
      {{"note", std::string("Met Ava at school")}, {"date", *Date::parse("2024-05-01")}});

  const auto note = fixture.store->get(id);
  REQUIRE(note.has_value());
  CHECK(note->kind == Kind::visit);
  CHECK(note->child_id == "C1");
  CHECK(std::get<std::string>(*note->field("note")) == "Met Ava at school");

  const auto outbox = fixture.store->outbox();
  REQUIRE(outbox.size() == 2);
  CHECK(outbox[0].field == "date");
  CHECK(outbox[1].field == "note");
  CHECK(outbox[0].device_seq == 1);
  CHECK(outbox[1].device_seq == 2);
  CHECK(outbox[1].device_id == fixture.store->device_id());
  CHECK(outbox[1].base == 0);
  CHECK(outbox[1].hlc.ms() == fixture.clock.now_ms());
}

TEST_CASE("new letters, reviews and challenges start in their first status") {
  Fixture fixture;
  const std::string letter =
      fixture.store->create(Kind::letter, "C1", {{"body", std::string("Dear Ava")}});
  CHECK(*fixture.store->get(letter)->field("status") == Value{std::string("draft")});
  const std::string review = fixture.store->create(Kind::review, "C1", {});
  CHECK(*fixture.store->get(review)->field("status") == Value{std::string("planned")});
  CHECK(error_code_of([&] { fixture.store->create(Kind::visit, "C1", {}); }) ==
        ErrorCode::invalid_input);
}

TEST_CASE("10,000 edits of one note before a sync leave the last text and one outbox change") {
  Fixture fixture;
  const std::string id =
      fixture.store->create(Kind::visit, "C1", {{"note", std::string("draft 0")}});
  for (int edit = 1; edit <= 10'000; ++edit) {
    fixture.clock.advance(1);
    fixture.store->edit(id, {{"note", "draft " + std::to_string(edit)}});
  }
  CHECK(std::get<std::string>(*fixture.store->get(id)->field("note")) == "draft 10000");
  const auto outbox = fixture.store->outbox();
  REQUIRE(outbox.size() == 1);
  CHECK(outbox[0].field == "note");
  CHECK(outbox[0].value == Value{std::string("draft 10000")});
  CHECK(outbox[0].device_seq == 1);  // the first edit's sequence number, kept
  CHECK(outbox[0].hlc.ms() == fixture.clock.now_ms());
}

TEST_CASE("coalesced edits keep the base the first edit started from") {
  Fixture fixture;
  // The server delivered version 11 of a note's text; the IRO then edits it twice.
  ChangeEntry from_server;
  from_server.change.doc_id = "01890a5d-ac96-774b-bcce-b302099a0002";
  from_server.change.kind = Kind::visit;
  from_server.change.child_id = "C1";
  from_server.change.field = "note";
  from_server.change.value = std::string("Seen at home");
  from_server.change.hlc = Hlc::from_parts(fixture.clock.now_ms(), 0);
  from_server.server_seq = 11;
  fixture.store->apply_changes(std::span(&from_server, 1), 0);

  fixture.store->edit(from_server.change.doc_id, {{"note", std::string("Seen at home, alone")}});
  // A newer server value arrives before the push; the local edit stays and its base does not move.
  from_server.change.value = std::string("Seen at home (carer present)");
  from_server.server_seq = 12;
  fixture.store->apply_changes(std::span(&from_server, 1), 0);
  fixture.store->edit(from_server.change.doc_id,
                      {{"note", std::string("Seen at home, alone, happy")}});

  const auto outbox = fixture.store->outbox();
  REQUIRE(outbox.size() == 1);
  CHECK(outbox[0].base == 11);
  CHECK(outbox[0].value == Value{std::string("Seen at home, alone, happy")});
  CHECK(*fixture.store->get(from_server.change.doc_id)->field("note") ==
        Value{std::string("Seen at home, alone, happy")});
}

TEST_CASE("an edit to the same value records nothing") {
  Fixture fixture;
  const std::string id = fixture.store->create(Kind::visit, "C1", {{"note", std::string("same")}});
  const auto before = fixture.store->outbox();
  fixture.clock.advance(10);
  fixture.store->edit(id, {{"note", std::string("same")}});
  CHECK(fixture.store->outbox() == before);
}

TEST_CASE("clearing a field removes it from the document and records the clear") {
  Fixture fixture;
  const std::string id = fixture.store->create(
      Kind::visit, "C1", {{"note", std::string("n")}, {"place", std::string("School")}});
  fixture.store->edit(id, {{"place", Value{}}});
  CHECK(fixture.store->get(id)->field("place") == nullptr);
  bool clear_recorded = false;
  for (const Change& change : fixture.store->outbox()) {
    if (change.field == "place") clear_recorded = is_unset(change.value);
  }
  CHECK(clear_recorded);
}

TEST_CASE("a refused edit saves nothing at all") {
  Fixture fixture;
  fixture.receive_child("C7", "2021-03-01");
  const std::string id = fixture.store->create(
      Kind::review, "C7",
      {{"date", *Date::parse("2024-06-01")}, {"participation_code", std::string("PN0")}});
  const auto outbox_before = fixture.store->outbox();
  const auto document_before = fixture.store->get(id);

  // A valid venue together with a participation code that does not fit a 3-year-old.
  CHECK(error_code_of([&] {
          fixture.store->edit(id, {{"venue", std::string("Foster home")},
                                   {"participation_code", std::string("PN1")}});
        }) == ErrorCode::invalid_input);
  // Moving the date past the child's 4th birthday would make the saved PN0 wrong.
  CHECK(error_code_of([&] {
          fixture.store->edit(id, {{"date", *Date::parse("2025-03-01")}});
        }) == ErrorCode::invalid_input);
  CHECK(error_code_of([&] {
          fixture.store->edit(id, {{"colour", std::string("red")}});
        }) == ErrorCode::invalid_input);

  CHECK(fixture.store->get(id) == document_before);
  CHECK(fixture.store->outbox() == outbox_before);
}

TEST_CASE("a new review is checked against the child's age too") {
  Fixture fixture;
  fixture.receive_child("C8", "2015-01-10");
  CHECK(error_code_of([&] {
          fixture.store->create(
              Kind::review, "C8",
              {{"date", *Date::parse("2024-06-01")}, {"participation_code", std::string("PN0")}});
        }) == ErrorCode::invalid_input);
  CHECK(fixture.store->query({}).size() == 1);  // only the child's record
}

TEST_CASE("an issued letter refuses edits and deletion") {
  Fixture fixture;
  const std::string id =
      fixture.store->create(Kind::letter, "C1", {{"body", std::string("Dear Ava")}});
  fixture.store->edit(id, {{"approved_by", std::string("Meg")}, {"status", std::string("issued")}});
  CHECK(fixture.store->get(id)->locked());
  CHECK(error_code_of([&] {
          fixture.store->edit(id, {{"body", std::string("Dear Ava,")}});
        }) == ErrorCode::record_locked);
  CHECK(error_code_of([&] { fixture.store->remove(id); }) == ErrorCode::record_locked);
  CHECK(std::get<std::string>(*fixture.store->get(id)->field("body")) == "Dear Ava");
}

TEST_CASE("a letter's status cannot move backwards") {
  Fixture fixture;
  const std::string id =
      fixture.store->create(Kind::letter, "C1", {{"body", std::string("Dear Ava")}});
  fixture.store->edit(id,
                      {{"approved_by", std::string("Meg")}, {"status", std::string("approved")}});
  CHECK(error_code_of([&] {
          fixture.store->edit(id, {{"status", std::string("draft")}});
        }) == ErrorCode::invalid_input);
}

TEST_CASE("devices cannot create child records or write the case system's fields") {
  Fixture fixture;
  fixture.receive_child("C9", "2012-01-01");
  CHECK(error_code_of([&] {
          fixture.store->create(Kind::child, "C9", {{"preferred_name", std::string("Mo")}});
        }) == ErrorCode::invalid_input);
  const std::string child_doc = fixture.store->query(DocumentQuery::of_kind(Kind::child))[0].id;
  CHECK(error_code_of([&] {
          fixture.store->edit(child_doc, {{"date_of_birth", *Date::parse("2013-01-01")}});
        }) == ErrorCode::invalid_input);
  fixture.store->edit(child_doc, {{"preferred_name", std::string("Mo")}});  // the child's choice
  CHECK(*fixture.store->get(child_doc)->field("preferred_name") == Value{std::string("Mo")});
}

TEST_CASE("a bad child id is refused") {
  Fixture fixture;
  for (const char* bad : {"", "C 1", "C1;DROP", "ç"}) {
    CAPTURE(bad);
    CHECK(error_code_of([&] {
            fixture.store->create(Kind::visit, bad, {{"note", std::string("x")}});
          }) == ErrorCode::invalid_input);
  }
  CHECK(error_code_of([&] {
          fixture.store->create(Kind::visit, std::string(65, 'C'), {{"note", std::string("x")}});
        }) == ErrorCode::invalid_input);
}

TEST_CASE("unknown and deleted documents are not found") {
  Fixture fixture;
  CHECK_FALSE(fixture.store->get("01890a5d-ac96-774b-bcce-b302099a9999").has_value());
  CHECK(error_code_of([&] {
          fixture.store->edit("01890a5d-ac96-774b-bcce-b302099a9999", {{"note", std::string("x")}});
        }) == ErrorCode::not_found);
  const std::string id = fixture.store->create(Kind::visit, "C1", {{"note", std::string("x")}});
  fixture.store->remove(id);
  CHECK(fixture.store->get(id)->deleted);
  CHECK(fixture.store->query({}).empty());
  CHECK(error_code_of([&] {
          fixture.store->edit(id, {{"note", std::string("y")}});
        }) == ErrorCode::not_found);
  const auto outbox = fixture.store->outbox();
  CHECK(outbox.back().op == ChangeOp::delete_document);
}

TEST_CASE("queries filter by child and kind and return documents sorted by id") {
  Fixture fixture;
  const std::string a = fixture.store->create(Kind::visit, "C1", {{"note", std::string("a")}});
  const std::string b = fixture.store->create(Kind::letter, "C1", {{"body", std::string("b")}});
  const std::string c = fixture.store->create(Kind::visit, "C2", {{"note", std::string("c")}});
  CHECK(fixture.store->query({}).size() == 3);
  const auto found = fixture.store->query(DocumentQuery::of_child("C1"));
  REQUIRE(found.size() == 2);
  CHECK(found[0].id == a);
  CHECK(found[1].id == b);
  CHECK(fixture.store->query(DocumentQuery::of_kind(Kind::visit)).size() == 2);
  CHECK(a < b);
  CHECK(b < c);
}

TEST_CASE("the clock never goes backwards across a reopen with the wall clock set back") {
  Fixture fixture;
  const std::string id = fixture.store->create(Kind::visit, "C1", {{"note", std::string("a")}});
  const Hlc first = fixture.store->outbox()[0].hlc;
  fixture.store.reset();
  fixture.clock.set(fixture.clock.now_ms() - 86'400'000);  // a day back
  fixture.store = fixture.open();
  fixture.store->create(Kind::visit, "C1", {{"note", std::string("b")}});
  CHECK(fixture.store->outbox()[1].hlc > first);
  (void)id;
}

TEST_CASE("a file that is not an iro store is refused, and left untouched") {
  TempDir dir;
  {
    std::ofstream text(dir / "notes.txt");
    text << "this is not a database, just a text file of some length to be sure\n";
  }
  CHECK(error_code_of([&] { DeviceStore::open(dir / "notes.txt"); }) == ErrorCode::storage_failure);
  {
    sqlite::Database other(dir / "other.db");
    other.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)");
  }
  CHECK(error_code_of([&] { DeviceStore::open(dir / "other.db"); }) == ErrorCode::storage_failure);
  sqlite::Database other(dir / "other.db");
  CHECK(other.query_int("SELECT count(*) FROM sqlite_schema") == 1);
}

TEST_CASE("a store written by a newer build is refused, not damaged") {
  Fixture fixture;
  fixture.store->create(Kind::visit, "C1", {{"note", std::string("kept")}});
  fixture.store.reset();
  {
    sqlite::Database raw(fixture.dir / "device.db");
    raw.execute("PRAGMA user_version = 99");
  }
  try {
    fixture.open();
    FAIL("expected a refusal");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::schema_too_new);
    CHECK(std::string(error.what()) ==
          "this device store has schema version 99; this build reads "
          "up to " +
              std::to_string(kDeviceSchemaVersion) + ": update the app");
  }
  sqlite::Database raw(fixture.dir / "device.db");
  CHECK(raw.query_int("SELECT count(*) FROM outbox") == 1);
}

TEST_CASE("a change sent but unacknowledged for an hour marks the outbox stuck") {
  Fixture f;
  f.store->create(Kind::visit, "C1", {{"note", std::string("waiting")}});
  const std::uint64_t first_sent = f.clock.now_ms();
  REQUIRE_FALSE(f.store->next_push_batch(100, 1 << 20, first_sent).empty());
  f.store->record_sync_failure("cannot connect to 127.0.0.1:1: Connection refused", first_sent);

  f.clock.advance(kStuckAfterMs - 60'000);
  CHECK_FALSE(f.store->status().stuck_since_ms.has_value());
  // Retried sends keep the time of the first: the outbox has been stuck since then.
  REQUIRE_FALSE(f.store->next_push_batch(100, 1 << 20, f.clock.now_ms()).empty());
  f.clock.advance(2 * 60'000);
  const DeviceStatus status = f.store->status();
  REQUIRE(status.stuck_since_ms.has_value());
  CHECK(*status.stuck_since_ms == first_sent);
  CHECK(status.last_sync_error.find("Connection refused") != std::string::npos);
  CHECK(status.pending_changes == 1);
}

TEST_CASE("children leaving the caseload are remembered across a restart until purged") {
  DeviceFixture device;
  const ChangeEntry c1 = from_other_device("018f0000-0000-7000-8000-0000000000c1", "C1", "note",
                                           std::string("Seen at home."), 3);
  const ChangeEntry c2 = from_other_device("018f0000-0000-7000-8000-0000000000c2", "C2", "note",
                                           std::string("Seen at school."), 4);
  device.store->apply_changes(std::vector<ChangeEntry>{c1, c2}, 4);
  const std::vector<std::string> leaving = {"C2", "C1"};
  device.store->mark_children_leaving(leaving, 12);

  device.store = device.open();  // the app was killed before the purge
  CHECK(device.store->children_leaving() == std::vector<std::string>{"C1", "C2"});
  CHECK(device.store->scope_cursor() == 12);

  // A page that brings C1's records again: C1 was allocated back, so it stays.
  const ChangeEntry c1_again = from_other_device("018f0000-0000-7000-8000-0000000000c1", "C1",
                                                 "note", std::string("Seen at home again."), 9);
  device.store->apply_changes(std::span(&c1_again, 1), 9);
  CHECK(device.store->children_leaving() == std::vector<std::string>{"C2"});

  const std::vector<std::string> purge = {"C2"};
  device.store->purge_children(purge);
  CHECK(device.store->children_leaving().empty());
  CHECK(device.store->query(DocumentQuery::of_child("C2")).empty());
  CHECK(device.store->query(DocumentQuery::of_child("C1")).size() == 1);
}
