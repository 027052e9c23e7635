// Revoking a lost device (`iro-server admin revoke --device D
// [--collect-first]`) over whole sessions on the loopback harness: the next
// connection is told to wipe; with --collect-first the server first takes
// what the device pushes, and still never grants it a lease.
#include <doctest/doctest.h>

#include "iro/store.hpp"
#include "server/loopback_sync.hpp"
#include "service/accounts.hpp"

using namespace iro;
using namespace iro::server;
using iro::test::LoopbackCouncil;
using iro::test::SyncRun;
using iro::test::visits_on;

namespace {

void revoke(LoopbackCouncil& rig, const DeviceStore& device, bool collect_first) {
  rig.store->write([&](StoreTxn& txn) {
    revoke_device(txn, device.device_id(), collect_first, rig.clock.now_ms());
  });
}

std::size_t visits_on_server(LoopbackCouncil& rig, const DeviceStore& device) {
  const std::string exported = rig.server_export(device);
  std::size_t count = 0;
  for (std::size_t at = exported.find("\"visit\""); at != std::string::npos;
       at = exported.find("\"visit\"", at + 1)) {
    ++count;
  }
  return count;
}

bool said_hello(const SyncRun& run) {
  for (const Message& message : run.transcript.from_device) {
    if (std::holds_alternative<Hello>(message)) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("revoked with --collect-first, a device pushes what it holds, then is told to wipe") {
  LoopbackCouncil rig;
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  rig.write_notes(*tablet, 2, {"C1"});
  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  rig.write_notes(*tablet, 3, {"C1", "C2"});  // written after the last sync
  REQUIRE(visits_on_server(rig, *tablet) == 2);
  revoke(rig, *tablet, true);

  const SyncRun run = rig.sync(*tablet);
  CHECK(run.state == SyncState::wiped);
  CHECK(said_hello(run));
  CHECK(run.progress.pushed == 3);
  CHECK(run.progress.pulled == 0);  // sent nothing more
  CHECK(tablet->outbox_size() == 0);
  CHECK(visits_on_server(rig, *tablet) == 5);
  // Whatever connects with that token again is told to wipe at once.
  rig.write_notes(*tablet, 1, {"C1"});
  CHECK(rig.sync(*tablet).state == SyncState::wiped);
  CHECK(visits_on_server(rig, *tablet) == 5);

  const auto hellos = rig.audit({.device_id = tablet->device_id()});
  bool collected = false;
  for (const AuditRow& row : hellos) {
    if (row.action == "hello" && row.detail.find("--collect-first") != std::string::npos) {
      collected = true;
    }
  }
  CHECK(collected);
}

TEST_CASE("revoked without --collect-first, a device is told to wipe before it can push") {
  LoopbackCouncil rig;
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  rig.write_notes(*tablet, 2, {"C1"});
  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  rig.write_notes(*tablet, 3, {"C1"});
  revoke(rig, *tablet, false);

  const SyncRun run = rig.sync(*tablet);
  CHECK(run.state == SyncState::wiped);
  CHECK(run.progress.pushed == 0);
  CHECK(visits_on_server(rig, *tablet) == 2);
}

TEST_CASE("a device collected before its wipe is granted no lease") {
  LoopbackCouncil rig;
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  revoke(rig, *tablet, true);
  bool welcomed = false;
  DeviceSyncSession session(*tablet, DeviceSyncSession::Mode::until_caught_up, rig.clock);
  rig.converse(
      session.start("test"),
      [&](std::span<const std::uint8_t> frame) {
        const Message message = decode_message(frame);
        if (const auto* welcome = std::get_if<Welcome>(&message)) {
          welcomed = true;
          CHECK(welcome->lease_secret.empty());
          CHECK(welcome->lease_days == 0);
        }
        return session.receive(frame);
      },
      [&] { return session.finished(); });
  CHECK(welcomed);
  CHECK(session.state() == SyncState::wiped);
}

TEST_CASE("a device revoked with --collect-first whose lease ran out cannot push, and is wiped") {
  LoopbackCouncil rig;
  EncryptionKey key;
  key.fill(0x3c);
  constexpr std::uint64_t kDayMs = 24ull * 60 * 60 * 1000;
  auto tablet = DeviceStore::open(rig.dir / "tablet.db",
                                  {.clock = &rig.clock, .encryption_key = key, .durable = false});
  REQUIRE_FALSE(rig.enrol(*tablet, rig.issue_code(rig.ann)));
  REQUIRE(rig.sync(*tablet).state == SyncState::done);  // leased, 14 days
  rig.write_notes(*tablet, 2, {"C1"});
  revoke(rig, *tablet, true);

  rig.clock.advance(15 * kDayMs);
  tablet = DeviceStore::open(rig.dir / "tablet.db",
                             {.clock = &rig.clock, .encryption_key = key, .durable = false});
  REQUIRE(tablet->status().locked);
  const SyncRun run = rig.sync(*tablet);
  CHECK(run.state == SyncState::wiped);
  CHECK(run.progress.pushed == 0);
  CHECK(tablet->status().locked);  // and never unlocked
}
