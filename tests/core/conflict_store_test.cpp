// The device store's side of no lost words: conflicts pulled from the
// server's slots, resolving them, and a waiting edit rebased on a merged
// push. DeviceStore on a real store file; the test plays the server.
#include "iro/store.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "iro/error.hpp"
#include "iro/json.hpp"
#include "store/device_schema.hpp"
#include "store/sqlite.hpp"
#include "support/device_fixture.hpp"
#include "support/expect_error.hpp"

using namespace iro;
using namespace iro::test;

namespace {

constexpr const char* kVisit = "01890a5d-ac96-774b-bcce-b302099a0201";
constexpr std::size_t kAnyBytes = 1 << 20;

Value text(const char* words) {
  return std::string(words);
}

// Columns of a table of the store file, in order.
std::vector<std::string> columns_of(const std::filesystem::path& store, const char* table) {
  sqlite::Database raw(store);
  auto statement =
      raw.cached("SELECT name FROM pragma_table_info('" + std::string(table) + "') ORDER BY cid");
  std::vector<std::string> columns;
  while (statement.step()) columns.push_back(statement.text(0));
  return columns;
}

bool has(const std::vector<std::string>& names, const char* name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// A device holding C1's visit note at server version 5 and, in slot
// "note#7", another device's words that lost an overlapping merge of it.
struct DeviceWithConflict : DeviceFixture {
  static constexpr const char* kSlot = "note#7";
  const Value note_words = text("Seen at home.");
  const Value lost_words = text("Seen at school.");
  const ChangeEntry note = from_other_device(kVisit, "C1", "note", note_words, 5);
  const ChangeEntry slot = from_other_device(kVisit, "C1", kSlot, lost_words, 7);

  DeviceWithConflict() { pull({note, slot}, 7); }

  void pull(const std::vector<ChangeEntry>& entries, std::uint64_t next_cursor) {
    store->apply_changes(entries, next_cursor);
  }

  Conflict expected() const { return {kSlot, "note", lost_words, kOtherDevice, slot.change.hlc}; }

  std::vector<Conflict> conflicts() const {
    const auto document = store->get(kVisit);
    REQUIRE(document.has_value());
    return document->conflicts;
  }

  nlohmann::json exported() const {
    return nlohmann::json::parse(export_json(store->query(DocumentQuery::everything())));
  }
};

// A device holding C1's visit note at server version 5, as another device wrote it.
struct DeviceWithNote : DeviceFixture {
  static constexpr const char* kOriginal = "Sam showd me the garden.";
  DeviceWithNote() {
    const ChangeEntry note = from_other_device(kVisit, "C1", "note", text(kOriginal), 5);
    store->apply_changes(std::span(&note, 1), 5);
  }

  void edit_note(const char* words) { store->edit(kVisit, {{"note", text(words)}}); }

  // The server's verdict on the change pushed as `device_seq`.
  void answer(std::uint64_t device_seq, PushOutcome outcome, std::uint64_t server_seq,
              const char* server_words) {
    const PushResult result{
        device_seq,         outcome, server_seq, Hlc::from_parts(clock.now_ms(), 0),
        text(server_words), true,    ""};
    store->apply_push_results(std::span(&result, 1), clock.now_ms());
  }
};

}  // namespace

TEST_CASE(
    "a pulled conflict slot is a conflict of its document, in the export too, until a pulled "
    "clear removes it") {
  DeviceWithConflict device;
  CHECK(device.conflicts() == std::vector<Conflict>{device.expected()});
  const auto document = device.store->get(kVisit);
  CHECK(*document->field("note") == device.note_words);
  CHECK(document->field(DeviceWithConflict::kSlot) == nullptr);  // not a field of the record
  CHECK(device.store->query(DocumentQuery::of_child("C1")).front().conflicts.size() == 1);
  CHECK(device.store->outbox_size() == 0);  // pulling queues nothing
  CHECK(device.store->status().cursor == 7);

  const nlohmann::json exported = device.exported();
  REQUIRE(exported.size() == 1);
  REQUIRE(exported[0].contains("conflicts"));
  REQUIRE(exported[0]["conflicts"].size() == 1);
  const nlohmann::json& conflict = exported[0]["conflicts"][0];
  CHECK(conflict["id"] == "note#7");
  CHECK(conflict["field"] == "note");
  CHECK(conflict["value"] == "Seen at school.");
  CHECK(conflict["device_id"] == kOtherDevice);
  CHECK(conflict["hlc"] == device.slot.change.hlc.to_string());

  // It survives closing the store.
  device.store.reset();
  device.store = device.open();
  CHECK(device.conflicts() == std::vector<Conflict>{device.expected()});

  ChangeEntry cleared = from_other_device(kVisit, "C1", DeviceWithConflict::kSlot, Value{}, 9);
  device.pull({cleared}, 9);
  CHECK(device.conflicts().empty());
  CHECK_FALSE(device.exported()[0].contains("conflicts"));
  CHECK(*device.store->get(kVisit)->field("note") == device.note_words);
  CHECK(device.store->outbox_size() == 0);
}

TEST_CASE("a conflict pulled while a local edit of its field waits shows, and the edit is kept") {
  DeviceWithNote device;
  device.edit_note("Sam showed me the greenhouse.");
  const ChangeEntry slot =
      from_other_device(kVisit, "C1", "note#8", text("Sam showed me the allotment."), 8);
  device.store->apply_changes(std::span(&slot, 1), 8);

  const auto document = device.store->get(kVisit);
  REQUIRE(document->conflicts.size() == 1);
  CHECK(document->conflicts[0].slot == "note#8");
  CHECK(document->conflicts[0].value == text("Sam showed me the allotment."));
  CHECK(text_of(*device.store, kVisit, "note") == "Sam showed me the greenhouse.");
  REQUIRE(device.store->outbox_size() == 1);
  CHECK(device.store->outbox()[0].field == "note");
}

TEST_CASE(
    "resolving a conflict removes it and queues the slot's clear from its server version, with "
    "the settled words in the same transaction") {
  DeviceWithConflict device;
  const std::string& self = device.store->device_id();

  SUBCASE("keeping the note as it is") {
    device.store->resolve_conflict(kVisit, DeviceWithConflict::kSlot);
    CHECK(device.conflicts().empty());
    CHECK(*device.store->get(kVisit)->field("note") == device.note_words);
    const auto outbox = device.store->outbox();
    REQUIRE(outbox.size() == 1);
    CHECK(outbox[0].doc_id == kVisit);
    CHECK(outbox[0].kind == Kind::visit);
    CHECK(outbox[0].child_id == "C1");
    CHECK(outbox[0].op == ChangeOp::set_field);
    CHECK(outbox[0].field == DeviceWithConflict::kSlot);
    CHECK(is_unset(outbox[0].value));
    CHECK(outbox[0].base == 7);
    CHECK(outbox[0].device_id == self);
    CHECK(outbox[0].hlc.ms() == device.clock.now_ms());
  }
  SUBCASE("with the words the IRO settled on") {
    device.store->resolve_conflict(kVisit, DeviceWithConflict::kSlot,
                                   text("Seen at home, then at school."));
    CHECK(device.conflicts().empty());
    CHECK(text_of(*device.store, kVisit, "note") == "Seen at home, then at school.");
    const auto outbox = device.store->outbox();
    REQUIRE(outbox.size() == 2);
    CHECK(outbox[0].field == "note");
    CHECK(outbox[0].value == text("Seen at home, then at school."));
    CHECK(outbox[0].base == 5);
    CHECK(outbox[1].field == DeviceWithConflict::kSlot);
    CHECK(is_unset(outbox[1].value));
    CHECK(outbox[1].base == 7);
    CHECK(outbox[1].device_seq > outbox[0].device_seq);
  }
  // Once resolved it is gone: resolving it again finds nothing, and queues nothing.
  const std::size_t queued = device.store->outbox_size();
  CHECK(error_code_of([&] { device.store->resolve_conflict(kVisit, DeviceWithConflict::kSlot); }) ==
        ErrorCode::not_found);
  CHECK(device.store->outbox_size() == queued);
  const auto batch = device.store->next_push_batch(10, kAnyBytes, device.clock.now_ms());
  REQUIRE(batch.size() == queued);
  CHECK(batch.back().field == DeviceWithConflict::kSlot);
}

TEST_CASE(
    "a conflict that cannot be resolved as asked changes nothing: unknown slots and records, "
    "and words the field cannot hold") {
  DeviceWithConflict device;
  struct Row {
    const char* rule;
    const char* doc_id;
    const char* slot;
    std::optional<Value> words;
    ErrorCode code;
  };
  const Row rows[] = {
      {"a slot the device does not hold", kVisit, "note#8", std::nullopt, ErrorCode::not_found},
      {"the field's name instead of a slot", kVisit, "note", std::nullopt, ErrorCode::not_found},
      {"a record the device does not hold", "01890a5d-ac96-774b-bcce-b302099a0299",
       DeviceWithConflict::kSlot, std::nullopt, ErrorCode::not_found},
      {"words over the note's limit", kVisit, DeviceWithConflict::kSlot,
       Value{std::string(kMaxTextBytes + 1, 'a')}, ErrorCode::invalid_input},
      {"a value that is not text", kVisit, DeviceWithConflict::kSlot, Value{true},
       ErrorCode::invalid_input},
  };
  for (const Row& row : rows) {
    CAPTURE(row.rule);
    CHECK(error_code_of([&] { device.store->resolve_conflict(row.doc_id, row.slot, row.words); }) ==
          row.code);
    CHECK(device.conflicts() == std::vector<Conflict>{device.expected()});
    CHECK(*device.store->get(kVisit)->field("note") == device.note_words);
    CHECK(device.store->outbox_size() == 0);
  }
}

TEST_CASE(
    "a conflict on an issued letter can be resolved, but not by changing the letter's words") {
  DeviceFixture device;
  const char* letter = "01890a5d-ac96-774b-bcce-b302099a0301";
  std::vector<ChangeEntry> entries = {
      from_other_device(letter, "C1", "body", text("Dear Sam, thank you for coming."), 3),
      from_other_device(letter, "C1", "status", text("issued"), 4),
      from_other_device(letter, "C1", "body#6", text("Dear Sam, thanks for coming."), 6),
  };
  for (ChangeEntry& entry : entries) entry.change.kind = Kind::letter;
  device.store->apply_changes(entries, 6);
  REQUIRE(device.store->get(letter)->locked());
  REQUIRE(device.store->get(letter)->conflicts.size() == 1);

  CHECK(error_code_of([&] {
          device.store->resolve_conflict(letter, "body#6", text("Dear Sam, thanks."));
        }) == ErrorCode::record_locked);
  CHECK(device.store->get(letter)->conflicts.size() == 1);
  CHECK(device.store->outbox_size() == 0);

  device.store->resolve_conflict(letter, "body#6");
  CHECK(device.store->get(letter)->conflicts.empty());
  REQUIRE(device.store->outbox_size() == 1);
  CHECK(device.store->outbox()[0].field == "body#6");
  CHECK(text_of(*device.store, letter, "body") == "Dear Sam, thank you for coming.");
}

TEST_CASE(
    "an edit waiting behind a push the server merged is rebased on the merged words, unless it "
    "overlaps them") {
  // The device pushed X (the typo fixed); the server merged it with another
  // device's edit into M; meanwhile the IRO made Y on top of X.
  const char* pushed = "Sam showed me the garden.";
  struct Row {
    const char* rule;
    const char* merged;   // M
    const char* waiting;  // Y
    const char* expected;
    std::uint64_t expected_base;
  };
  const Row rows[] = {
      {"edits apart: Y is rebased on M", "Today Sam showed me the garden.",
       "Sam showed me the garden. He wants to stay at his school.",
       "Today Sam showed me the garden. He wants to stay at his school.", 9},
      {"Y overlaps M: left for the server to record as a conflict", "Sam showed me the allotment.",
       "Sam showed me the greenhouse.", "Sam showed me the greenhouse.", 5},
  };
  for (const Row& row : rows) {
    CAPTURE(row.rule);
    DeviceWithNote device;
    device.edit_note(pushed);
    const auto batch = device.store->next_push_batch(10, kAnyBytes, device.clock.now_ms());
    REQUIRE(batch.size() == 1);
    REQUIRE(batch[0].base == 5);
    device.clock.advance(1000);
    device.edit_note(row.waiting);
    const Change waiting = device.store->outbox().back();
    REQUIRE(waiting.device_seq > batch[0].device_seq);

    device.answer(batch[0].device_seq, PushOutcome::merged, 9, row.merged);

    const auto outbox = device.store->outbox();
    REQUIRE(outbox.size() == 1);
    CHECK(outbox[0].device_seq == waiting.device_seq);
    CHECK(outbox[0].value == text(row.expected));
    CHECK(outbox[0].base == row.expected_base);
    CHECK(outbox[0].hlc == waiting.hlc);
    CHECK(text_of(*device.store, kVisit, "note") == row.expected);
    const auto next = device.store->next_push_batch(10, kAnyBytes, device.clock.now_ms());
    REQUIRE(next.size() == 1);
    CHECK(next[0].value == text(row.expected));
    CHECK(next[0].base == row.expected_base);
  }
}

TEST_CASE(
    "a pushed edit answered with a conflict leaves the note showing the server's words, and its "
    "own words come back as a conflict") {
  DeviceWithNote device;
  device.edit_note("Sam showed me the greenhouse.");
  const auto batch = device.store->next_push_batch(10, kAnyBytes, device.clock.now_ms());
  REQUIRE(batch.size() == 1);

  device.answer(batch[0].device_seq, PushOutcome::conflict, 6, "Sam showed me the allotment.");
  CHECK(text_of(*device.store, kVisit, "note") == "Sam showed me the allotment.");
  CHECK(device.store->outbox_size() == 0);
  CHECK(device.store->rejected_changes().empty());  // not refused: kept on the server
  // The next edit starts from the server's version.
  device.edit_note("Sam showed me the allotment and the greenhouse.");
  CHECK(device.store->outbox().back().base == 6);

  // The pull after the push brings the device's own words back, in their slot.
  ChangeEntry slot =
      from_other_device(kVisit, "C1", "note#7", text("Sam showed me the greenhouse."), 7);
  slot.change.device_id = device.store->device_id();
  slot.change.hlc = batch[0].hlc;
  device.store->apply_changes(std::span(&slot, 1), 7);
  const Conflict own_words{"note#7", "note", text("Sam showed me the greenhouse."),
                           device.store->device_id(), batch[0].hlc};
  CHECK(device.store->get(kVisit)->conflicts == std::vector<Conflict>{own_words});
}

TEST_CASE("from schema version 4 on, the conflict table is keyed by slot") {
  SUBCASE("a new store") {
    DeviceFixture device;
    CHECK(device.store->schema_version() == kDeviceSchemaVersion);
    CHECK(kDeviceSchemaVersion >= 4);
    const auto columns = columns_of(device.dir / "device.db", "conflict");
    CHECK(has(columns, "slot"));
    CHECK(has(columns, "server_seq"));
  }
  SUBCASE("a version 3 store, upgraded on open") {
    TempDir dir;
    const auto path = dir / "v3.db";
    {
      sqlite::Database raw(path);
      migrate_device_schema(raw, 3);
      REQUIRE(device_schema_version(raw) == 3);
    }
    REQUIRE_FALSE(has(columns_of(path, "conflict"), "slot"));

    ManualClock clock;
    auto store = DeviceStore::open(path, {.clock = &clock, .durable = false});
    CHECK(store->schema_version() == kDeviceSchemaVersion);
    CHECK(has(columns_of(path, "conflict"), "slot"));
    // And it holds conflicts.
    const std::vector<ChangeEntry> entries = {
        from_other_device(kVisit, "C1", "note", text("Seen at home."), 5),
        from_other_device(kVisit, "C1", "note#7", text("Seen at school."), 7)};
    store->apply_changes(entries, 7);
    CHECK(store->get(kVisit)->conflicts.size() == 1);
  }
}

TEST_CASE(
    "an edit typed on top of one the server has not acknowledged waits for its verdict, then "
    "builds on it") {
  DeviceWithNote device;
  device.edit_note("Sam showed me the garden.");
  const std::vector<Change> first = device.store->next_push_batch(100, 1 << 20, 0);
  REQUIRE(first.size() == 1);
  CHECK(first[0].base == 5);
  device.edit_note("Sam showed me the garden and the pond.");  // while the push is in flight

  // The line dropped before the verdict: the retry holds the first edit only,
  // as the second's base (5) is older than the words it was typed on.
  const std::vector<Change> retry = device.store->next_push_batch(100, 1 << 20, 0);
  REQUIRE(retry.size() == 1);
  CHECK(retry[0].device_seq == first[0].device_seq);

  device.answer(first[0].device_seq, PushOutcome::accepted, 8, "Sam showed me the garden.");
  const std::vector<Change> second = device.store->next_push_batch(100, 1 << 20, 0);
  REQUIRE(second.size() == 1);
  CHECK(second[0].base == 8);
  CHECK(second[0].value == text("Sam showed me the garden and the pond."));
}
