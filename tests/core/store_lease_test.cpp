// The offline lease of an encrypted device store (core/src/store/lease.hpp,
// docs/security.md "A lost tablet"): a store the server leased for N days
// locks itself once they pass without a sync, and only the server's secret
// (a Welcome) unlocks it again. The tests play the server and move the clock.
#include "store/lease.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

#include "iro/error.hpp"
#include "iro/status_json.hpp"
#include "iro/store.hpp"
#include "iro/sync_session.hpp"
#include "store/sqlite.hpp"
#include "store/store_key.hpp"
#include "support/device_fixture.hpp"
#include "support/test_bytes.hpp"

using namespace iro;
using namespace iro::test;

namespace {

constexpr const char* kNote = "Quillwort-Tangerine 9120: Ava wants her gran at the review";
constexpr const char* kLeaseToken = "token-lease-0001";

EncryptionKey host_key() {
  EncryptionKey key;
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = std::uint8_t(3 + 11 * i);
  return key;
}

Bytes lease_secret(std::uint8_t seed) {
  Bytes secret(kLeaseSecretBytes);
  for (std::size_t i = 0; i < secret.size(); ++i) secret[i] = std::uint8_t(seed * 13 + i);
  return secret;
}

using iro::test::bytes_of_file;

// The store's main file and its WAL, where SQLite keeps what it wrote.
bool files_contain(const std::filesystem::path& path, const Bytes& bytes) {
  const std::string needle(bytes.begin(), bytes.end());
  return bytes_of_file(path).find(needle) != std::string::npos ||
         bytes_of_file(path.string() + "-wal").find(needle) != std::string::npos;
}

std::optional<Bytes> raw_meta(const std::filesystem::path& path, std::string_view key) {
  sqlite::Database raw(path);
  auto statement = raw.cached("SELECT value FROM meta WHERE key = ?1");
  statement.bind(1, key);
  if (!statement.step()) return std::nullopt;
  const auto blob = statement.blob(0);
  return Bytes(blob.begin(), blob.end());
}

template <typename Action>
std::optional<Error> failure_of(Action action) {
  try {
    action();
  } catch (const Error& error) {
    return error;
  }
  return std::nullopt;
}

ErrorCode code_of_error(const std::optional<Error>& error) {
  REQUIRE(error.has_value());
  return error->code();
}

// An encrypted, enrolled device with one note, leased for 14 days from now.
struct LeasedDevice {
  DeviceFixture device{host_key()};
  std::string note_id;
  std::uint64_t leased_at = 0;

  LeasedDevice() {
    device.store->save_enrolment(
        "wss://iro.example.org/sync",
        Enrolled{device.store->device_id(), kLeaseToken, "iro-anna", "kent"});
    note_id = device.store->create(Kind::visit, "C1", {{"note", std::string(kNote)}});
    leased_at = device.clock.now_ms();
    device.store->renew_lease(lease_secret(1), 14, leased_at);
  }

  void at_day(double days) { device.clock.set(leased_at + std::uint64_t(days * kDayMs)); }
  std::filesystem::path path() const { return device.dir / "device.db"; }
};

std::string note_text(const DeviceStore& store, const std::string& id) {
  const auto document = store.get(id);
  REQUIRE(document.has_value());
  const Value* note = document->field("note");
  REQUIRE(note != nullptr);
  return std::get<std::string>(*note);
}

// Runs a sync against a server the test plays: Welcome (with `secret`), then
// acknowledges the push and answers the pull with nothing new.
void sync_with_lease(DeviceStore& store, Clock& clock, const Bytes& secret, std::uint64_t days) {
  DeviceSyncSession session(store, DeviceSyncSession::Mode::until_caught_up, clock);
  session.start("iro-test");
  std::vector<Bytes> sent =
      session.receive(encode_message(Welcome{"iro-anna", "kent", 1, 0, "statutory", secret, days}));
  while (!session.finished()) {
    REQUIRE(sent.size() == 1);
    const Message message = decode_message(sent[0]);
    if (const auto* push = std::get_if<Push>(&message)) {
      PushAck ack;
      std::uint64_t seq = 0;
      for (const Change& change : push->changes) {
        ack.results.push_back(
            {change.device_seq, PushOutcome::accepted, ++seq, change.hlc, Value{}, true, ""});
      }
      sent = session.receive(encode_message(ack));
    } else {
      REQUIRE(std::holds_alternative<Pull>(message));
      sent = session.receive(encode_message(Changes{{}, 0, false, 0}));
    }
  }
}

}  // namespace

TEST_CASE("a store leased for 14 days opens on day 13 and is locked on day 15") {
  LeasedDevice leased;
  const auto sealed_secret = raw_meta(leased.path(), "lease_secret");
  REQUIRE(sealed_secret.has_value());
  CHECK_FALSE(raw_meta(leased.path(), "encryption_wrapped_key").has_value());

  leased.at_day(13);
  leased.device.store = leased.device.open();
  CHECK(note_text(*leased.device.store, leased.note_id) == kNote);
  CHECK_FALSE(leased.device.store->status().locked);

  leased.at_day(15);
  leased.device.store = leased.device.open();
  DeviceStore& store = *leased.device.store;
  const auto refused = failure_of([&] { store.get(leased.note_id); });
  CHECK(code_of_error(refused) == ErrorCode::lease_expired);
  CHECK(std::string(refused->what()) ==
        "this device has not reached the server for 14 days: its records are locked until it "
        "syncs");
  CHECK(code_of_error(failure_of([&] { store.query(); })) == ErrorCode::lease_expired);
  CHECK(code_of_error(failure_of([&] { store.outbox(); })) == ErrorCode::lease_expired);
  CHECK(code_of_error(failure_of([&] { store.rejected_changes(); })) == ErrorCode::lease_expired);
  CHECK(code_of_error(failure_of([&] {
          store.create(Kind::visit, "C1", {{"note", std::string("new")}});
        })) == ErrorCode::lease_expired);
  CHECK(code_of_error(failure_of([&] {
          store.edit(leased.note_id, {{"note", std::string("changed")}});
        })) == ErrorCode::lease_expired);
  CHECK(code_of_error(failure_of([&] { store.remove(leased.note_id); })) ==
        ErrorCode::lease_expired);

  // What the device needs to sync still works: it can say Hello.
  const DeviceStatus status = store.status();
  CHECK(status.locked);
  CHECK(status.lease_expires_ms == leased.leased_at + 14 * kDayMs);
  CHECK(status.pending_changes == 1);
  CHECK(device_status_json(status)["locked"] == true);
  const auto credentials = store.sync_credentials();
  REQUIRE(credentials.has_value());
  CHECK(credentials->device_token == kLeaseToken);

  // The secret is gone from the store's files, not only from its rows.
  CHECK_FALSE(raw_meta(leased.path(), "lease_secret").has_value());
  CHECK_FALSE(files_contain(leased.path(), *sealed_secret));
}

TEST_CASE("a lease that runs out while the store is open locks it at the next record call") {
  LeasedDevice leased;
  leased.at_day(13.9);
  CHECK(note_text(*leased.device.store, leased.note_id) == kNote);
  leased.at_day(14.1);
  CHECK(code_of_error(failure_of([&] { leased.device.store->get(leased.note_id); })) ==
        ErrorCode::lease_expired);
  CHECK_FALSE(raw_meta(leased.path(), "lease_secret").has_value());
}

TEST_CASE("a wrong lease secret does not unlock a locked store and the right one does") {
  LeasedDevice leased;
  leased.device.store->create(Kind::visit, "C2", {{"note", std::string("second note")}});
  leased.at_day(20);
  leased.device.store = leased.device.open();
  DeviceStore& store = *leased.device.store;
  REQUIRE(store.status().locked);

  const auto wrong =
      failure_of([&] { sync_with_lease(store, leased.device.clock, lease_secret(2), 14); });
  CHECK(code_of_error(wrong) == ErrorCode::wrong_key);
  CHECK(store.status().locked);
  CHECK(code_of_error(failure_of([&] { store.get(leased.note_id); })) == ErrorCode::lease_expired);

  // The right secret, from the server's Welcome: unlocked, then push and pull as usual.
  sync_with_lease(store, leased.device.clock, lease_secret(1), 14);
  CHECK_FALSE(store.status().locked);
  CHECK(store.status().lease_expires_ms == leased.device.clock.now_ms() + 14 * kDayMs);
  CHECK(store.outbox_size() == 0);  // pushed
  CHECK(note_text(store, leased.note_id) == kNote);
  CHECK(store.query().size() == 2);

  // Renewed: it opens until 14 days after this sync.
  leased.at_day(33);
  leased.device.store = leased.device.open();
  CHECK(note_text(*leased.device.store, leased.note_id) == kNote);
}

TEST_CASE("a lease granted or renewed on another connection reaches a store already open") {
  // The bridge's iro_sync_run syncs on a connection of its own while the app
  // keeps its handle open; the CLI may run beside the app.
  LeasedDevice leased;
  leased.at_day(15);
  DeviceStore& app = *leased.device.store;
  CHECK(code_of_error(failure_of([&] { app.get(leased.note_id); })) == ErrorCode::lease_expired);
  const auto sync_connection = leased.device.open();
  sync_with_lease(*sync_connection, leased.device.clock, lease_secret(1), 14);
  CHECK(note_text(app, leased.note_id) == kNote);
  CHECK_FALSE(app.status().locked);

  // A handle opened before the first lease was granted elsewhere still locks.
  DeviceFixture device{host_key()};
  const std::string id = device.store->create(Kind::visit, "C1", {{"note", std::string(kNote)}});
  device.open()->renew_lease(lease_secret(1), 14, device.clock.now_ms());
  device.clock.advance(15 * kDayMs);
  CHECK(code_of_error(failure_of([&] { device.store->get(id); })) == ErrorCode::lease_expired);
}

TEST_CASE("a clock set back after the store saw a later time does not extend the lease") {
  SUBCASE("the store saw day 15 on its own clock") {
    LeasedDevice leased;
    leased.at_day(15);
    leased.device.store = leased.device.open();
    CHECK(leased.device.store->status().locked);
    leased.at_day(1);
    leased.device.store = leased.device.open();
    CHECK(code_of_error(failure_of([&] { leased.device.store->get(leased.note_id); })) ==
          ErrorCode::lease_expired);
  }
  SUBCASE("the store saw day 15 in a server's timestamp while its clock said day 13") {
    LeasedDevice leased;
    leased.at_day(13);
    ChangeEntry entry = from_other_device("01890a5d-ac96-774b-bcce-b302099a0101", "C1", "note",
                                          std::string("from the server"), 1);
    entry.change.hlc = Hlc::from_parts(leased.leased_at + 15 * kDayMs, 0);
    leased.device.store->apply_changes(std::span(&entry, 1), 1);
    leased.device.store = leased.device.open();  // the clock still says day 13
    CHECK(code_of_error(failure_of([&] { leased.device.store->get(leased.note_id); })) ==
          ErrorCode::lease_expired);
  }
}

TEST_CASE("once leased, the host key alone does not give the data key") {
  LeasedDevice leased;
  leased.at_day(15);
  leased.device.store = leased.device.open();  // locks: the secret is deleted
  leased.device.store.reset();

  sqlite::Database raw(leased.path());
  StoreKeys keys = unlock_store(raw, host_key());
  CHECK(keys.locked());
  CHECK(keys.encrypted);
  CHECK_FALSE(raw_meta(leased.path(), "encryption_wrapped_key").has_value());
  CHECK(code_of_error(failure_of([&] {
          keys.records.open(Bytes(40, 0), Cell::field("x", "note"));
        })) == ErrorCode::lease_expired);
}

TEST_CASE("lease terms edited in the file leave the store locked, never unlocked") {
  LeasedDevice leased;
  leased.device.store.reset();
  {
    sqlite::Database raw(leased.path());
    raw.execute("UPDATE meta SET value = value + 86400000 WHERE key = 'lease_expires_ms'");
  }
  leased.at_day(1);
  leased.device.store = leased.device.open();
  CHECK(leased.device.store->status().locked);
  CHECK(code_of_error(failure_of([&] { leased.device.store->get(leased.note_id); })) ==
        ErrorCode::lease_expired);
}

TEST_CASE("a plain store has no lease") {
  DeviceFixture device;
  const std::string id = device.store->create(Kind::visit, "C1", {{"note", std::string(kNote)}});
  device.store->renew_lease(lease_secret(1), 1, device.clock.now_ms());
  device.clock.advance(400 * kDayMs);
  device.store = device.open();
  CHECK(note_text(*device.store, id) == kNote);
  CHECK_FALSE(device.store->status().lease_expires_ms.has_value());
  CHECK_FALSE(device.store->status().locked);
}

TEST_CASE("a lease outside 1-90 days or with a short secret is refused and changes nothing") {
  DeviceFixture device{host_key()};
  const std::uint64_t now = device.clock.now_ms();
  CHECK(code_of_error(failure_of([&] { device.store->renew_lease(lease_secret(1), 0, now); })) ==
        ErrorCode::invalid_input);
  CHECK(code_of_error(failure_of([&] { device.store->renew_lease(lease_secret(1), 91, now); })) ==
        ErrorCode::invalid_input);
  CHECK(code_of_error(failure_of([&] { device.store->renew_lease(Bytes(16, 1), 14, now); })) ==
        ErrorCode::invalid_input);
  CHECK_FALSE(device.store->status().lease_expires_ms.has_value());
  CHECK(raw_meta(device.dir / "device.db", "encryption_wrapped_key").has_value());
}
