// Whole sync sessions without a network: core's device session on a real
// DeviceStore file talks to the server's ServerSession, on a real SQLite
// server store and commit queue, over an in-memory link. The test thread
// plays the WebSocket session's strand: it delivers frames both ways and
// runs the tasks the commit queue's thread posts back.
#include "service/server_session.hpp"

#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

#include <optional>
#include <string>
#include <vector>

#include "iro/error.hpp"
#include "iro/json.hpp"
#include "iro/store.hpp"
#include "iro/sync_session.hpp"
#include "server/loopback_sync.hpp"
#include "service/accounts.hpp"
#include "service/caseload.hpp"
#include "service/reconcile.hpp"

using namespace iro;
using namespace iro::server;
using namespace std::chrono_literals;

namespace {

using SyncRig = iro::test::LoopbackCouncil;
using iro::test::device_export;
using iro::test::SyncRun;
using iro::test::visits_on;

}  // namespace

TEST_CASE("two devices of one IRO converge on the server's records") {
  SyncRig rig;
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  auto laptop = rig.enrolled_device("laptop", rig.ann);
  rig.write_notes(*tablet, 3, {"C1", "C2"});
  rig.write_notes(*laptop, 2, {"C2"});

  for (DeviceStore* device : {tablet.get(), laptop.get(), tablet.get()}) {
    const SyncRun run = rig.sync(*device);
    CHECK(run.state == SyncState::done);
  }

  CHECK(visits_on(*tablet) == 5);
  CHECK(tablet->outbox_size() == 0);
  CHECK(laptop->outbox_size() == 0);
  const std::string server = rig.server_export(*tablet);
  CHECK(device_export(*tablet) == server);
  CHECK(device_export(*laptop) == server);
  CHECK(rig.server_export(*laptop) == server);
  // Bob's child C3 is not in Ann's scope.
  CHECK(tablet->query(DocumentQuery::of_child("C3")).empty());
  CHECK(tablet->query(DocumentQuery::of_kind(Kind::child)).size() == 2);
  CHECK(tablet->status().last_sync_error.empty());
  CHECK(tablet->status().last_sync_ms.has_value());
}

TEST_CASE("a device pulls in pages with increasing cursors until it is caught up") {
  SyncRig rig;
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  auto laptop = rig.enrolled_device("laptop", rig.ann);
  // Two child records of six fields each, and 23 notes of one field: 35 changes for the laptop.
  rig.write_notes(*tablet, 23, {"C1", "C2"});
  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  Changes everything;
  rig.store->read(
      [&](StoreTxn& txn) { everything = txn.pull_page(rig.identity_of_device(*laptop), 0, 1000); });
  REQUIRE(everything.entries.size() == 35);

  const SyncRun run = rig.sync(*laptop, {.pull_page = 10});
  CHECK(run.state == SyncState::done);
  const std::vector<Pull> pulls = run.transcript.pulls();
  REQUIRE(pulls.size() == 4);
  CHECK(pulls[0].cursor == 0);
  for (std::size_t i = 0; i < pulls.size(); ++i) {
    CAPTURE(i);
    CHECK(pulls[i].limit == 10);
    if (i > 0) CHECK(pulls[i].cursor > pulls[i - 1].cursor);
  }
  CHECK(run.progress.pulled == 35);
  CHECK(laptop->status().cursor == rig.head_seq());
  CHECK(visits_on(*laptop) == 23);
  CHECK(device_export(*laptop) == rig.server_export(*laptop));
}

TEST_CASE("a device with a token the server does not know is refused and records why") {
  SyncRig rig;
  auto stranger = rig.open_device("stranger");
  CHECK_THROWS_AS(rig.sync(*stranger), Error);  // not enrolled: no Hello to send

  stranger->save_enrolment("ws://loopback",
                           Enrolled{stranger->device_id(), std::string(64, 'a'), rig.ann, "shire"});
  rig.write_notes(*stranger, 2, {"C1"});
  const SyncRun run = rig.sync(*stranger);
  CHECK(run.state == SyncState::refused);
  REQUIRE(run.refusal.has_value());
  CHECK(run.refusal->code == RefusalCode::bad_token);
  const DeviceStatus status = stranger->status();
  CHECK(status.last_sync_error == run.refusal->reason);
  CHECK(status.last_sync_error_ms == rig.clock.now_ms());
  CHECK(status.pending_changes == 2);  // nothing is lost
  for (const Document& document : rig.documents_in_scope(rig.identity_of(rig.ann, "any"))) {
    CHECK(document.kind == Kind::child);  // and none of the stranger's notes reached the server
  }
}

TEST_CASE("a revoked device is told to wipe") {
  SyncRig rig;
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  rig.store->write(
      [&](StoreTxn& txn) { revoke_device(txn, tablet->device_id(), false, rig.clock.now_ms()); });
  const SyncRun run = rig.sync(*tablet);
  CHECK(run.state == SyncState::wiped);
}

TEST_CASE("an enrolment code used by a second device over the link is refused") {
  SyncRig rig;
  const std::string code = rig.issue_code(rig.ann);
  auto first = rig.open_device("first");
  CHECK_FALSE(rig.enrol(*first, code).has_value());
  CHECK(first->sync_credentials().has_value());

  auto second = rig.open_device("second");
  const std::optional<Refused> refusal = rig.enrol(*second, code);
  REQUIRE(refusal.has_value());
  CHECK(refusal->code == RefusalCode::bad_code);
  CHECK_FALSE(second->sync_credentials().has_value());
}

TEST_CASE("a device's own changes are not sent back to it but reach its twin") {
  SyncRig rig;
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  auto laptop = rig.enrolled_device("laptop", rig.ann);
  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  REQUIRE(rig.sync(*laptop).state == SyncState::done);

  rig.write_notes(*tablet, 10, {"C1", "C2"});
  const SyncRun pushing = rig.sync(*tablet);
  CHECK(pushing.progress.pushed == 10);
  CHECK(pushing.progress.pulled == 0);
  CHECK(rig.sync(*tablet).progress.pulled == 0);

  const SyncRun twin = rig.sync(*laptop);
  CHECK(twin.progress.pulled == 10);
  CHECK(visits_on(*laptop) == 10);
  CHECK(device_export(*laptop) == device_export(*tablet));
}

TEST_CASE("the server keeps how many changes a device had unsent until it catches up") {
  SyncRig rig;
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  rig.write_notes(*tablet, 3, {"C1"});
  const std::string id = tablet->device_id();
  const auto unsent = [&] {
    std::optional<DeviceRow> row;
    rig.store->read([&](StoreTxn& txn) { row = txn.device(id); });
    REQUIRE(row);
    return row->unsent_changes;
  };
  // The line drops once the Hello is answered: the server knows what waits.
  const SyncRun cut = rig.sync(*tablet, {}, 2);
  CHECK(cut.transcript.cut);
  CHECK(unsent() == tablet->outbox_size());
  CHECK(unsent() >= 3);
  // A whole sync pushes them: nothing unsent.
  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  CHECK(tablet->outbox_size() == 0);
  CHECK(unsent() == 0);
}

TEST_CASE("a change committed as a session goes live reaches it with no wake to announce it") {
  // The race a live device once lost a change to: the session reads its last
  // page, and a commit lands before it joins the hub, so no wake comes for it.
  SyncRig rig;
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  const std::string visit = "01890000-0000-7000-8000-0000000000c1";
  rig.on_went_live = [&] {
    const DeviceIdentity laptop = rig.identity_of(rig.ann, iro::test::kLaptop);
    Change note = iro::test::set_field(visit, Kind::visit, "C1", "note",
                                       iro::test::text("written as the tablet went live"),
                                       Hlc::from_parts(rig.clock.now_ms(), 0));
    note.device_seq = 1;
    rig.write_with_clock([&](StoreTxn& txn, TxnClock& clock) {
      REQUIRE(apply_push(txn, laptop, std::span(&note, 1), clock).front().outcome ==
              PushOutcome::accepted);
    });
  };
  // The loopback link has no hub: only the session's own read can bring it.
  DeviceSyncSession following(*tablet, DeviceSyncSession::Mode::follow, rig.clock);
  rig.converse(
      following.start("loopback-test"),
      [&](std::span<const std::uint8_t> frame) { return following.receive(frame); },
      [&] { return tablet->get(visit).has_value(); });
  REQUIRE(tablet->get(visit).has_value());
  CHECK(following.state() == SyncState::live);
}

TEST_CASE("a child moved to another IRO while the device pulls is purged, even if the line drops") {
  SyncRig rig;
  auto laptop = rig.enrolled_device("laptop", rig.ann);
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  rig.write_notes(*laptop, 4, {"C1", "C2"});
  REQUIRE(rig.sync(*laptop).state == SyncState::done);
  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  REQUIRE_FALSE(tablet->query(DocumentQuery::of_child("C2")).empty());
  rig.write_notes(*laptop, 12, {"C1", "C2"});
  REQUIRE(rig.sync(*laptop).state == SyncState::done);

  // The tablet pulls in pages of 4. After its first page C2 moves to Bob and
  // C1's record changes (so there is more to pull after the move). The line
  // drops after a page that takes the tablet's cursor past the move, while
  // there is still more to pull: before the tablet got round to the purge.
  int pages = 0;
  bool told = false;
  std::uint64_t moved_at = 0;
  rig.after_frame = [&](bool to_device, const Message& message) {
    if (!to_device) return false;
    if (const auto* scope = std::get_if<ScopeChanged>(&message)) {
      CHECK(scope->removed_children == std::vector<std::string>{"C2"});
      told = true;
    }
    const auto* page = std::get_if<Changes>(&message);
    if (!page) return false;
    if (++pages == 1) {
      rig.write_with_clock([&](StoreTxn& txn, TxnClock& clock) {
        allocate_child(txn, "C2", rig.bob, clock);
        moved_at = txn.head_seq();
        ChildRecordRow renamed = iro::test::child_row("C1", Date::from_ymd(2012, 3, 15));
        renamed.fields["first_name"] = std::string("Robin");
        renamed.fields["preferred_name"] = std::string("Rob");
        renamed.fields["legal_status"] = std::string("S20");
        import_children(txn, "shire", std::span(&renamed, 1), clock, rig.ids);
      });
    }
    return told && page->more && page->next_cursor > moved_at;
  };
  const SyncRun cut = rig.sync(*tablet, {.pull_page = 4});
  REQUIRE(cut.transcript.cut);
  CHECK(told);
  // The server will not say it again: the cursor is past the move.
  CHECK(tablet->status().cursor > moved_at);
  CHECK(tablet->children_leaving() == std::vector<std::string>{"C2"});
  CHECK_FALSE(tablet->query(DocumentQuery::of_child("C2")).empty());

  rig.after_frame = nullptr;
  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  CHECK(tablet->query(DocumentQuery::of_child("C2")).empty());
  CHECK(tablet->children_leaving().empty());
  CHECK(device_export(*tablet) == rig.server_export(*tablet));
}
