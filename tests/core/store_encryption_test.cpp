// Encryption at rest in the device store (docs/ARCHITECTURE.md, "Encryption
// at rest"): what a store made with a key keeps in its files, which keys open
// it, and what tampering with its bytes gives.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

#include "iro/codec.hpp"
#include "iro/error.hpp"
#include "iro/store.hpp"
#include "iro/sync_session.hpp"
#include "store/device_schema.hpp"
#include "store/sqlite.hpp"
#include "support/device_fixture.hpp"
#include "support/expect_error.hpp"
#include "support/test_bytes.hpp"

using namespace iro;
using namespace iro::test;

namespace {

// Words no store holds by chance: found in a file's bytes only if stored in clear.
constexpr const char* kTellTale = "Kestrel-Marmalade 4471: Ava wants Zoe at her review";
constexpr const char* kToken = "token-e1b8c0ffee";
constexpr const char* kServer = "wss://iro.example.org/sync";

EncryptionKey key_of(std::uint8_t seed) {
  EncryptionKey key;
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = std::uint8_t(seed + 7 * i);
  return key;
}

using iro::test::bytes_of_file;

// Everything SQLite keeps for a store: the main file, its WAL and shared memory.
struct StoreFiles {
  std::string main, wal, shm;
  bool wal_exists = false;
  bool operator==(const StoreFiles&) const = default;

  static StoreFiles of(const std::filesystem::path& path) {
    const std::filesystem::path wal = path.string() + "-wal";
    return {bytes_of_file(path), bytes_of_file(wal), bytes_of_file(path.string() + "-shm"),
            std::filesystem::exists(wal)};
  }
  bool contain(std::string_view words) const {
    return main.find(words) != std::string::npos || wal.find(words) != std::string::npos;
  }
};

std::unique_ptr<DeviceStore> open_store(const std::filesystem::path& path,
                                        std::optional<EncryptionKey> key) {
  return DeviceStore::open(path, {.encryption_key = key, .durable = false});
}

// The stored bytes of one cell, read and written behind the store's back.
Bytes raw_value(const std::filesystem::path& path, const std::string& sql) {
  sqlite::Database raw(path);
  auto statement = raw.cached(sql);
  REQUIRE(statement.step());
  const auto blob = statement.blob(0);
  return Bytes(blob.begin(), blob.end());
}

void set_raw_value(const std::filesystem::path& path, const std::string& sql, const Bytes& value) {
  sqlite::Database raw(path);
  raw.cached(sql).bind(1, std::span<const std::uint8_t>(value)).run();
  REQUIRE(raw.changes() == 1);
}

std::string note_of(const DeviceStore& store, const std::string& id) {
  return text_of(store, id, "note");
}

}  // namespace

TEST_CASE("a store made with a key gives back every value type, across a reopen") {
  DeviceFixture device(key_of(1));
  DeviceStore& store = *device.store;
  const FieldMap review = {{"date", *Date::parse("2024-06-01")},
                           {"review_type", std::string("second")},
                           {"brought_forward", true},
                           {"part", std::int64_t{2}},
                           {"venue", std::string("Foster home")},
                           {"attendees", StringSet{"Ava", "IRO", "social worker"}},
                           {"recommendations", std::string(kTellTale)}};
  const std::string review_id = store.create(Kind::review, "DEMO-0001", review);
  const std::string visit_id =
      store.create(Kind::visit, "DEMO-0001",
                   {{"note", std::string(kTellTale)}, {"place", std::string("School")}});
  const std::string consultation_id =
      store.create(Kind::consultation, "DEMO-0001",
                   {{"review_id", review_id}, {"answer.q1", std::string("I like my school")}});
  store.edit(visit_id, {{"place", Value{}}});  // a cleared field is stored too (unset)

  auto check = [&](const DeviceStore& opened) {
    const auto got = opened.get(review_id);
    REQUIRE(got.has_value());
    for (const auto& [name, value] : review) {
      CAPTURE(name);
      REQUIRE(got->field(name) != nullptr);
      CHECK(*got->field(name) == value);
    }
    CHECK(note_of(opened, visit_id) == kTellTale);
    CHECK(opened.get(visit_id)->field("place") == nullptr);
    CHECK(*opened.get(consultation_id)->field("review_id") == Value{review_id});
    CHECK(opened.query(DocumentQuery::of_child("DEMO-0001")).size() == 3);
    // The outbox holds the same values, sealed separately.
    const std::vector<Change> outbox = opened.outbox();
    // Each field set, and each kind's initial status (review, consultation); the
    // cleared place folded into its unsent change.
    CHECK(outbox.size() == (review.size() + 1) + 2 + (2 + 1));
    bool found = false;
    for (const Change& change : outbox) {
      if (change.doc_id == visit_id && change.field == "note") {
        found = change.value == Value{std::string(kTellTale)};
      }
    }
    CHECK(found);
  };
  check(store);
  device.store = device.open();  // reopened with the key
  check(*device.store);
  CHECK(device.store->schema_version() == kDeviceSchemaVersion);
}

TEST_CASE("an encrypted store's files do not hold the words typed, where a plain store's do") {
  for (const bool encrypted : {true, false}) {
    CAPTURE(encrypted);
    DeviceFixture device(encrypted ? std::optional(key_of(2)) : std::nullopt);
    const std::string id =
        device.store->create(Kind::visit, "DEMO-0002", {{"note", std::string("first words")}});
    device.store->edit(id, {{"note", std::string(kTellTale)}});
    device.store->save_enrolment(kServer, Enrolled{device.store->device_id(), kToken, "u", "t"});

    // While the store is open the edit is in the WAL; once closed, in the main file.
    const auto path = device.dir / "device.db";
    const StoreFiles open_files = StoreFiles::of(path);
    CHECK(open_files.wal_exists);
    device.store.reset();
    const StoreFiles closed_files = StoreFiles::of(path);

    for (const StoreFiles& files : {open_files, closed_files}) {
      CHECK(files.contain(kTellTale) == !encrypted);
      CHECK(files.contain(kToken) == !encrypted);                // the device token is sealed too
      if (encrypted) CHECK_FALSE(files.contain("first words"));  // nor an earlier version
      CHECK(files.contain("DEMO-0002"));  // child ids stay plaintext: rows are found by them
    }
  }
}

TEST_CASE("an encrypted store refuses no key and a wrong key, and a plain store refuses a key") {
  TempDir dir;
  const auto encrypted = dir / "encrypted.db";
  const auto plain = dir / "plain.db";
  open_store(encrypted, key_of(3))
      ->create(Kind::visit, "DEMO-0003", {{"note", std::string(kTellTale)}});
  open_store(plain, std::nullopt)
      ->create(Kind::visit, "DEMO-0003", {{"note", std::string(kTellTale)}});

  struct Refusal {
    std::filesystem::path path;
    std::optional<EncryptionKey> key;
    std::string message;
  };
  const Refusal refusals[] = {
      {encrypted, std::nullopt, "this store is encrypted: open it with its key"},
      {encrypted, key_of(4), "the key does not open this store"},
      {plain, key_of(3), "this store is not encrypted: open it without a key"},
  };
  for (const Refusal& refusal : refusals) {
    CAPTURE(refusal.path);
    CAPTURE(refusal.message);
    const StoreFiles before = StoreFiles::of(refusal.path);
    REQUIRE_FALSE(before.main.empty());
    const Error error = error_of([&] { open_store(refusal.path, refusal.key); });
    CHECK(error.code() == ErrorCode::wrong_key);
    CHECK(std::string(error.what()).find(refusal.message) != std::string::npos);
    CHECK(StoreFiles::of(refusal.path) == before);  // not a byte written
  }

  // The right key, and no key for the plain store, still open them.
  const auto reopened = open_store(encrypted, key_of(3));
  CHECK(note_of(*reopened, reopened->query().at(0).id) == kTellTale);
  CHECK(open_store(plain, std::nullopt)->query().size() == 1);
}

TEST_CASE("a key given to an older plain store is refused before the schema is upgraded") {
  TempDir dir;
  const auto path = dir / "v4.db";
  {
    auto store = open_store(path, std::nullopt);  // a plain store, set back to schema 4
    store->create(Kind::visit, "DEMO-0004", {{"note", std::string(kTellTale)}});
  }
  {
    sqlite::Database raw(path);  // what a schema 4 store had: no attachments yet (step 6)
    raw.execute("DROP TABLE blob_chunk; DROP TABLE blob; PRAGMA user_version = 4");
  }
  const StoreFiles before = StoreFiles::of(path);
  CHECK(error_code_of([&] { open_store(path, key_of(5)); }) == ErrorCode::wrong_key);
  CHECK(StoreFiles::of(path) == before);
  {
    sqlite::Database raw(path);
    CHECK(device_schema_version(raw) == 4);
  }
  // Without a key it upgrades and works as ever.
  auto store = open_store(path, std::nullopt);
  CHECK(store->schema_version() == kDeviceSchemaVersion);
  CHECK(note_of(*store, store->query()[0].id) == kTellTale);
}

TEST_CASE("a ciphertext moved to another row, table or field does not open: corrupt_data") {
  DeviceFixture device(key_of(6));
  const std::string a = device.store->create(
      Kind::visit, "DEMO-0006",
      {{"note", std::string("A's note")}, {"observations", std::string("A's observations")}});
  const std::string b =
      device.store->create(Kind::visit, "DEMO-0006", {{"note", std::string("B's note")}});
  device.store.reset();
  const auto path = device.dir / "device.db";
  const Bytes a_note =
      raw_value(path, "SELECT value FROM field WHERE doc_id = '" + a + "' AND name = 'note'");

  SUBCASE("to the same field of another record") {
    set_raw_value(path, "UPDATE field SET value = ?1 WHERE doc_id = '" + b + "' AND name = 'note'",
                  a_note);
    device.store = device.open();
    const Error error = error_of([&] { device.store->get(b); });
    CHECK(error.code() == ErrorCode::corrupt_data);
    CHECK(std::string(error.what()).find("field row (record " + b + ", field note)") !=
          std::string::npos);
    CHECK(note_of(*device.store, a) == "A's note");  // the row it came from still opens
  }
  SUBCASE("to another field of the same record") {
    set_raw_value(
        path, "UPDATE field SET value = ?1 WHERE doc_id = '" + a + "' AND name = 'observations'",
        a_note);
    device.store = device.open();
    CHECK(error_code_of([&] { device.store->get(a); }) == ErrorCode::corrupt_data);
    CHECK(error_code_of([&] { device.store->query(); }) == ErrorCode::corrupt_data);
  }
  SUBCASE("to the outbox change of the same field") {
    set_raw_value(
        path, "UPDATE outbox SET value = ?1 WHERE doc_id = '" + a + "' AND field = 'note'", a_note);
    device.store = device.open();
    CHECK(note_of(*device.store, a) == "A's note");
    const Error error = error_of([&] { device.store->outbox(); });
    CHECK(error.code() == ErrorCode::corrupt_data);
    CHECK(std::string(error.what()).find("outbox row") != std::string::npos);
  }
  SUBCASE("from the rejected list back into the outbox, or into its own reason column") {
    device.store = device.open();
    const std::vector<Change> batch = device.store->next_push_batch(100, 1 << 20, 1);
    REQUIRE(batch.size() == 3);
    const PushResult refusal{
        batch[2].device_seq, PushOutcome::refused, 0, Hlc{}, Value{}, true, "refused"};
    device.store->apply_push_results(std::span(&refusal, 1), 1);
    REQUIRE(device.store->rejected_changes().size() == 1);
    device.store.reset();
    {
      // Same device_seq, doc and field: only the table tells the two apart.
      sqlite::Database raw(path);
      raw.execute(
          "INSERT INTO outbox (device_seq, doc_id, kind, child_id, op, field, value, hlc, base, "
          "sent) SELECT device_seq, doc_id, kind, child_id, op, field, value, hlc, base, 1 "
          "FROM rejected");
    }
    device.store = device.open();
    CHECK(error_code_of([&] { device.store->outbox(); }) == ErrorCode::corrupt_data);
    CHECK(device.store->rejected_changes().size() == 1);
    device.store.reset();
    {
      sqlite::Database raw(path);
      raw.execute("UPDATE rejected SET reason = value");
    }
    device.store = device.open();
    CHECK(error_code_of([&] { device.store->rejected_changes(); }) == ErrorCode::corrupt_data);
  }
  SUBCASE("to another outbox change of the same field (device_seq is bound too)") {
    device.store = device.open();
    device.store->next_push_batch(100, 1 << 20, 1);  // sent: a new edit starts a new change
    device.store->edit(a, {{"note", std::string("A's note, edited")}});
    REQUIRE(device.store->outbox().size() == 4);
    device.store.reset();
    const Bytes sent_note = raw_value(
        path, "SELECT value FROM outbox WHERE doc_id = '" + a + "' AND field = 'note' AND sent");
    set_raw_value(
        path,
        "UPDATE outbox SET value = ?1 WHERE doc_id = '" + a + "' AND field = 'note' AND NOT sent",
        sent_note);
    device.store = device.open();
    CHECK(error_code_of([&] { device.store->outbox(); }) == ErrorCode::corrupt_data);
  }
}

TEST_CASE("a flipped byte in a stored value is corrupt_data naming the row, never garbage") {
  DeviceFixture device(key_of(7));
  const std::string id =
      device.store->create(Kind::visit, "DEMO-0007", {{"note", std::string(kTellTale)}});
  device.store.reset();
  const auto path = device.dir / "device.db";
  const std::string select =
      "SELECT value FROM field WHERE doc_id = '" + id + "' AND name = 'note'";
  const Bytes stored = raw_value(path, select);
  REQUIRE(stored.size() == encode_value(Value{std::string(kTellTale)}).size() + 28);

  for (const std::size_t at :
       {std::size_t{0}, std::size_t{12}, stored.size() / 2, stored.size() - 1}) {
    CAPTURE(at);
    Bytes flipped = stored;
    flipped[at] ^= 0x20;
    set_raw_value(path, "UPDATE field SET value = ?1 WHERE doc_id = '" + id + "' AND name = 'note'",
                  flipped);
    device.store = device.open();
    const Error error = error_of([&] { device.store->get(id); });
    CHECK(error.code() == ErrorCode::corrupt_data);
    CHECK(std::string(error.what()).find("field row (record " + id + ", field note)") !=
          std::string::npos);
    device.store.reset();
  }
  set_raw_value(path, "UPDATE field SET value = ?1 WHERE doc_id = '" + id + "' AND name = 'note'",
                stored);
  device.store = device.open();
  CHECK(note_of(*device.store, id) == kTellTale);  // put back, it opens
}

TEST_CASE(
    "two stores with the same key seal the same note differently, and neither opens the other's") {
  TempDir dir;
  const auto first = dir / "first.db";
  const auto second = dir / "second.db";
  const std::string id_1 =
      open_store(first, key_of(8))->create(Kind::visit, "C", {{"note", std::string(kTellTale)}});
  const std::string id_2 =
      open_store(second, key_of(8))->create(Kind::visit, "C", {{"note", std::string(kTellTale)}});
  auto note_bytes = [](const std::filesystem::path& path, const std::string& id) {
    return raw_value(path, "SELECT value FROM field WHERE doc_id = '" + id + "' AND name = 'note'");
  };
  const Bytes sealed_1 = note_bytes(first, id_1);
  CHECK(sealed_1 != note_bytes(second, id_2));
  auto salt = [](const std::filesystem::path& path) {
    return raw_value(path, "SELECT value FROM meta WHERE key = 'encryption_salt'");
  };
  CHECK(salt(first) != salt(second));  // so each has its own data key

  // The first store's ciphertext, put in the second store's row with the same
  // name, does not open there: another data key.
  set_raw_value(second,
                "UPDATE field SET value = ?1 WHERE doc_id = '" + id_2 + "' AND name = 'note'",
                sealed_1);
  CHECK(error_code_of([&] { open_store(second, key_of(8))->get(id_2); }) ==
        ErrorCode::corrupt_data);

  // Within one store, writing the same words again seals them afresh (a new nonce).
  auto store = open_store(first, key_of(8));
  store->edit(id_1, {{"note", std::string("something else")}});
  store->edit(id_1, {{"note", std::string(kTellTale)}});
  CHECK(note_bytes(first, id_1) != sealed_1);
  CHECK(note_of(*store, id_1) == kTellTale);
}

TEST_CASE("the key check in meta is neither the key nor the data key's material in clear") {
  TempDir dir;
  const EncryptionKey key = key_of(9);
  open_store(dir / "store.db", key);
  const StoreFiles files = StoreFiles::of(dir / "store.db");
  const std::string key_bytes(key.begin(), key.end());
  CHECK_FALSE(files.contain(key_bytes));
  CHECK(raw_value(dir / "store.db", "SELECT value FROM meta WHERE key = 'encryption_key_check'")
            .size() == 32);
  sqlite::Database raw(dir / "store.db");
  CHECK(raw.query_text("SELECT value FROM meta WHERE key = 'encryption'") ==
        "aes-256-gcm+hkdf-sha256/3");
}

TEST_CASE("an encrypted store syncs: push, verdicts, pulled values, conflicts, refusals") {
  DeviceFixture device(key_of(10));
  device.store->save_enrolment(
      kServer, Enrolled{device.store->device_id(), kToken, "iro-anna", "sunderland"});
  const std::string accepted =
      device.store->create(Kind::visit, "C1", {{"note", std::string(kTellTale)}});
  const std::string refused =
      device.store->create(Kind::visit, "C1", {{"note", std::string("words the server refused")}});
  const std::string pulled = "01890a5d-ac96-774b-bcce-b302099a0101";

  DeviceSyncSession session(*device.store, DeviceSyncSession::Mode::until_caught_up, device.clock);
  const Message hello = decode_message(session.start("iro-test"));
  REQUIRE(std::holds_alternative<Hello>(hello));
  CHECK(std::get<Hello>(hello).device_token == kToken);  // the sealed token opens

  std::vector<Bytes> sent =
      session.receive(encode_message(Welcome{"iro-anna", "sunderland", 1, 0, "sunderland", {}, 0}));
  REQUIRE(sent.size() == 1);
  const Message push_message = decode_message(sent[0]);
  REQUIRE(std::holds_alternative<Push>(push_message));
  const Push& push = std::get<Push>(push_message);
  REQUIRE(push.changes.size() == 2);
  CHECK(push.changes[0].value == Value{std::string(kTellTale)});  // pushed in clear, over TLS

  PushAck ack;
  ack.results.push_back({push.changes[0].device_seq, PushOutcome::accepted, 1, push.changes[0].hlc,
                         Value{}, true, ""});
  ack.results.push_back({push.changes[1].device_seq, PushOutcome::refused, 0, Hlc{}, Value{}, false,
                         "C1 is not in your caseload: \"words the server refused\""});
  sent = session.receive(encode_message(ack));
  REQUIRE(sent.size() == 1);
  CHECK(decode_message(sent[0]) == Message{Pull{0, SyncLimits{}.pull_page}});  // pushed; now pull

  sent = session.receive(encode_message(Changes{
      {from_other_device(pulled, "C1", "note", std::string("pulled words"), 2),
       from_other_device(pulled, "C1", "note#3", std::string("words that lost a merge"), 3)},
      3,
      false,
      0}));
  CHECK(sent.empty());
  CHECK(session.finished());

  auto check = [&](const DeviceStore& store) {
    CHECK(note_of(store, accepted) == kTellTale);
    CHECK_FALSE(store.get(refused).has_value());  // the server did not know it: it left
    const auto rejected = store.rejected_changes();
    REQUIRE(rejected.size() == 1);
    CHECK(rejected[0].change.value == Value{std::string("words the server refused")});
    CHECK(rejected[0].reason == "C1 is not in your caseload: \"words the server refused\"");
    CHECK(note_of(store, pulled) == "pulled words");
    const auto document = store.get(pulled);
    REQUIRE(document->conflicts.size() == 1);
    CHECK(document->conflicts[0].value == Value{std::string("words that lost a merge")});
    const auto credentials = store.sync_credentials();
    REQUIRE(credentials.has_value());
    CHECK(credentials->device_token == kToken);
    CHECK(credentials->cursor == 3);
    CHECK(store.status().pending_changes == 0);
  };
  check(*device.store);
  device.store = device.open();
  check(*device.store);

  device.store.reset();
  const StoreFiles files = StoreFiles::of(device.dir / "device.db");
  for (const char* words :
       {kTellTale, "words the server refused", "pulled words", "words that lost a merge", kToken}) {
    CAPTURE(words);
    CHECK_FALSE(files.contain(words));
  }
}

TEST_CASE("a child's date of birth, pulled into an encrypted store, still checks a review's code") {
  DeviceFixture device(key_of(11));
  ChangeEntry birth = from_other_device("01890a5d-ac96-774b-bcce-b302099a0201", "C9",
                                        "date_of_birth", *Date::parse("2022-03-01"), 1);
  birth.change.kind = Kind::child;
  device.store->apply_changes(std::span(&birth, 1), 1);
  // Aged 2 on the review date: PN1 is for children of 4 and over.
  CHECK(error_code_of([&] {
          device.store->create(
              Kind::review, "C9",
              {{"date", *Date::parse("2024-06-01")}, {"participation_code", std::string("PN1")}});
        }) == ErrorCode::invalid_input);
  device.store->create(
      Kind::review, "C9",
      {{"date", *Date::parse("2024-06-01")}, {"participation_code", std::string("PN0")}});
}
