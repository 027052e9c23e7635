// The offline lease end to end without a network (docs/security.md, "A lost
// tablet"): the council sets it with `iro-server admin set-lease`, the
// server grants it in Welcome, a device's encrypted store locks once it has
// gone that long without a sync, and only a sync (a Welcome) unlocks it. A
// revoked device is never welcomed again: it stays locked, and is wiped if
// it ever connects.
#include "service/lease.hpp"

#include <doctest/doctest.h>

#include "iro/error.hpp"
#include "iro/store.hpp"
#include "server/admin_run.hpp"
#include "server/loopback_sync.hpp"
#include "service/accounts.hpp"
#include "support/expect_error.hpp"

using namespace iro;
using namespace iro::server;

namespace {

using iro::test::AdminRun;
using iro::test::error_code_of;
using iro::test::LoopbackCouncil;
using iro::test::SyncRun;
using iro::test::visits_on;

constexpr std::uint64_t kDayMs = 24ull * 60 * 60 * 1000;

EncryptionKey host_key() {
  EncryptionKey key;
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = std::uint8_t(5 + 17 * i);
  return key;
}

// `iro-server admin --data DIR args...` on the council's own data directory.
AdminRun admin(const LoopbackCouncil& rig, std::vector<std::string> args) {
  return iro::test::run_admin(rig.dir / "server", std::move(args));
}

// An encrypted device store of Ann's, enrolled, on the council's clock.
struct EncryptedTablet {
  explicit EncryptedTablet(LoopbackCouncil& council) : rig(council) {
    store = open();
    const auto refusal = rig.enrol(*store, rig.issue_code(rig.ann));
    REQUIRE_MESSAGE(!refusal, "enrolment refused: " << refusal->reason);
  }

  std::unique_ptr<DeviceStore> open() {
    return DeviceStore::open(path(),
                             {.clock = &rig.clock, .encryption_key = host_key(), .durable = false});
  }
  std::filesystem::path path() const { return rig.dir / "tablet.db"; }

  LoopbackCouncil& rig;
  std::unique_ptr<DeviceStore> store;
};

}  // namespace

TEST_CASE(
    "a device's store locks after the council's lease and a sync unlocks it, records intact") {
  LoopbackCouncil rig;
  REQUIRE(admin(rig, {"set-lease", "--tenant", "shire", "--days", "1"}).exit_code == 0);
  EncryptedTablet tablet(rig);
  rig.write_notes(*tablet.store, 3, {"C1", "C2"});
  REQUIRE(rig.sync(*tablet.store).state == SyncState::done);
  CHECK(tablet.store->status().lease_expires_ms == rig.clock.now_ms() + kDayMs);
  rig.write_notes(*tablet.store, 2, {"C1"});  // offline, not yet on the server
  const std::size_t visits = visits_on(*tablet.store);
  REQUIRE(visits == 5);

  rig.clock.advance(2 * kDayMs);
  tablet.store = tablet.open();
  CHECK(tablet.store->status().locked);
  CHECK(error_code_of([&] { visits_on(*tablet.store); }) == ErrorCode::lease_expired);
  CHECK(tablet.store->status().pending_changes == 2);

  // The sync says Hello with the sealed token, the Welcome's lease unlocks
  // the store, and it pushes what was written offline and pulls as usual.
  const SyncRun run = rig.sync(*tablet.store);
  CHECK(run.state == SyncState::done);
  CHECK_FALSE(tablet.store->status().locked);
  CHECK(tablet.store->status().lease_expires_ms == rig.clock.now_ms() + kDayMs);
  CHECK(visits_on(*tablet.store) == visits);
  CHECK(tablet.store->outbox_size() == 0);
  CHECK(iro::test::device_export(*tablet.store) == rig.server_export(*tablet.store));
}

TEST_CASE("a revoked device whose lease ran out stays locked and is wiped when it connects") {
  LoopbackCouncil rig;
  REQUIRE(admin(rig, {"set-lease", "--tenant", "shire", "--days", "1"}).exit_code == 0);
  EncryptedTablet tablet(rig);
  rig.write_notes(*tablet.store, 2, {"C1"});
  REQUIRE(rig.sync(*tablet.store).state == SyncState::done);
  rig.store->write([&](StoreTxn& txn) {
    revoke_device(txn, tablet.store->device_id(), false, rig.clock.now_ms());
  });

  rig.clock.advance(2 * kDayMs);
  tablet.store = tablet.open();
  CHECK(tablet.store->status().locked);
  CHECK(error_code_of([&] { visits_on(*tablet.store); }) == ErrorCode::lease_expired);

  const SyncRun run = rig.sync(*tablet.store);
  CHECK(run.state == SyncState::wiped);
  CHECK(tablet.store->status().locked);  // no Welcome, so no lease
  // What `iro sync` and iro_sync_run do on Wipe: close and delete the files.
  tablet.store.reset();
  DeviceStore::destroy(tablet.path());
  CHECK_FALSE(std::filesystem::exists(tablet.path()));
  CHECK_FALSE(std::filesystem::exists(tablet.path().string() + "-wal"));
}

TEST_CASE("the lease secret is the same for a device at every grant and differs between devices") {
  LoopbackCouncil rig;
  LeaseGrant first, again, other;
  rig.store->write([&](StoreTxn& txn) {
    first = lease_for(txn, "shire", "device-a");
    again = lease_for(txn, "shire", "device-a");
    other = lease_for(txn, "shire", "device-b");
  });
  CHECK(first.secret.size() == kLeaseSecretBytes);
  CHECK(first.days == std::uint64_t(kDefaultLeaseDays));
  CHECK(first.secret == again.secret);
  CHECK(first.secret != other.secret);
  // Another server (another master secret) grants another secret.
  LoopbackCouncil elsewhere;
  LeaseGrant there;
  elsewhere.store->write([&](StoreTxn& txn) { there = lease_for(txn, "shire", "device-a"); });
  CHECK(there.secret != first.secret);
}

TEST_CASE("set-lease takes 1-90 days for a known council, and is audited") {
  LoopbackCouncil rig;
  CHECK(admin(rig, {"set-lease", "--tenant", "shire", "--days", "0"}).exit_code == 1);
  CHECK(admin(rig, {"set-lease", "--tenant", "shire", "--days", "91"}).exit_code == 1);
  CHECK(admin(rig, {"set-lease", "--tenant", "nowhere", "--days", "7"}).exit_code == 1);
  const AdminRun set = admin(rig, {"set-lease", "--tenant", "shire", "--days", "90"});
  CHECK(set.exit_code == 0);
  CHECK(set.out == "shire: offline lease 90 days\n");
  LeaseGrant grant;
  rig.store->write([&](StoreTxn& txn) { grant = lease_for(txn, "shire", "device-a"); });
  CHECK(grant.days == 90);
  bool audited = false;
  for (const AuditRow& row : rig.audit({.tenant = "shire"})) {
    if (row.action == "set-lease" && row.outcome == "ok") {
      audited = row.detail == "offline lease: 90 days";
    }
  }
  CHECK(audited);
}
