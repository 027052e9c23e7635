#include "iro/sync_session.hpp"

#include <doctest/doctest.h>

#include "iro/error.hpp"
#include "support/device_fixture.hpp"
#include "support/expect_error.hpp"

using namespace iro;
using namespace iro::test;

namespace {

constexpr const char* kSyncServer = "wss://iro.example.org/sync";
constexpr const char* kSyncToken = "token-7f3a";

// A device with its own store file; the test plays the server.
struct Device : DeviceFixture {
  void enrol() {
    store->save_enrolment(kSyncServer,
                          Enrolled{store->device_id(), kSyncToken, "iro-anna", "sunderland"});
  }

  // A visit note for `child_id`: one outbox change per field.
  std::string record_visit(const std::string& child_id, const FieldMap& fields) {
    return store->create(Kind::visit, child_id, fields);
  }
};

// A session that has sent its Hello and been welcomed; `sent` is its answer to Welcome.
struct Welcomed {
  DeviceSyncSession session;
  std::vector<Bytes> sent;

  Welcomed(Device& device, DeviceSyncSession::Mode mode, SyncLimits limits = {})
      : session(*device.store, mode, device.clock, limits) {
    device.enrol();
    session.start("iro-test");
    sent = session.receive(
        encode_message(Welcome{"iro-anna", "sunderland", 1, 0, "sunderland", {}, 0}));
  }
};

std::vector<Bytes> deliver(DeviceSyncSession& session, const Message& message) {
  return session.receive(encode_message(message));
}

// The one message the session sent, as a T.
template <typename T>
T only(const std::vector<Bytes>& sent) {
  REQUIRE(sent.size() == 1);
  const Message message = decode_message(sent[0]);
  INFO("the session sent ", message_name(message));
  REQUIRE(std::holds_alternative<T>(message));
  return std::get<T>(message);
}

// The server accepts every change of a push, numbering them from `next_server_seq`.
PushAck accept_all(const Push& push, std::uint64_t next_server_seq = 1) {
  PushAck ack;
  for (const Change& change : push.changes) {
    ack.results.push_back({change.device_seq, PushOutcome::accepted, next_server_seq++, change.hlc,
                           Value{}, true, ""});
  }
  return ack;
}

ChangeEntry deletion_from_other_device(const std::string& doc_id, const std::string& child_id,
                                       std::uint64_t server_seq) {
  ChangeEntry entry = from_other_device(doc_id, child_id, "", Value{}, server_seq);
  entry.change.op = ChangeOp::delete_document;
  return entry;
}

Changes page(std::vector<ChangeEntry> entries, std::uint64_t next_cursor, bool more,
             std::uint64_t remaining = 0) {
  return Changes{std::move(entries), next_cursor, more, remaining};
}

constexpr const char* kVisitX = "01890a5d-ac96-774b-bcce-b302099a0101";
constexpr const char* kVisitY = "01890a5d-ac96-774b-bcce-b302099a0102";

}  // namespace

TEST_CASE("a device that never enrolled cannot start a sync session") {
  Device device;
  DeviceSyncSession session(*device.store, DeviceSyncSession::Mode::until_caught_up, device.clock);
  CHECK(error_code_of([&] { session.start("iro-test"); }) == ErrorCode::invalid_input);
}

TEST_CASE("start sends a Hello with the device id, the token and the stored cursor") {
  Device device;
  device.enrol();
  device.store->apply_changes({}, 42);  // an earlier session pulled up to 42
  DeviceSyncSession session(*device.store, DeviceSyncSession::Mode::until_caught_up, device.clock);
  const Message hello = decode_message(session.start("iro-cli 0.1.0"));
  CHECK(hello == Message{Hello{device.store->device_id(), kSyncToken, 42, "iro-cli 0.1.0"}});
  CHECK(session.state() == SyncState::greeting);
  CHECK_FALSE(session.finished());
}

TEST_CASE("a Hello says how many changes wait in the device's outbox") {
  Device device;
  device.enrol();
  device.store->create(Kind::visit, "C1", {{"note", std::string("Seen at school")}});
  device.store->create(Kind::visit, "C1", {{"note", std::string("Seen at home")}});
  DeviceSyncSession session(*device.store, DeviceSyncSession::Mode::until_caught_up, device.clock);
  const Message hello = decode_message(session.start("iro-cli 0.1.0"));
  REQUIRE(std::holds_alternative<Hello>(hello));
  CHECK(std::get<Hello>(hello).outbox_size == device.store->outbox_size());
  CHECK(std::get<Hello>(hello).outbox_size >= 2);
}

TEST_CASE("the council's timescale policy in Welcome is kept in the store, and follows a change") {
  Device device;
  CHECK(device.store->status().timescale_policy.empty());  // never synced: statutory applies
  {
    Welcomed welcomed(device, DeviceSyncSession::Mode::until_caught_up);
    CHECK(device.store->status().timescale_policy == "sunderland");
  }
  // Reopened, it is still there: the device computes due dates offline by it.
  device.store = device.open();
  CHECK(device.store->status().timescale_policy == "sunderland");

  // The council changes its policy: the next Welcome says so.
  DeviceSyncSession session(*device.store, DeviceSyncSession::Mode::until_caught_up, device.clock);
  session.start("iro-test");
  deliver(session, Welcome{"iro-anna", "sunderland", 2, 0, "herefordshire", {}, 0});
  CHECK(device.store->status().timescale_policy == "herefordshire");

  // A policy newer than this build is kept as the server named it, not dropped.
  DeviceSyncSession newer(*device.store, DeviceSyncSession::Mode::until_caught_up, device.clock);
  newer.start("iro-test");
  deliver(newer, Welcome{"iro-anna", "sunderland", 3, 0, "kent-2031", {}, 0});
  CHECK(device.store->status().timescale_policy == "kent-2031");
}

TEST_CASE("a session pushes the outbox in batches, then pulls page by page until done") {
  Device device;
  device.clock.advance(5'000);
  device.record_visit("C1", {{"date", *Date::parse("2024-05-01")},
                             {"place", std::string("School")},
                             {"seen_alone", true},
                             {"visit_type", std::string("pre_review")},
                             {"note", std::string("Ava is settled")}});
  REQUIRE(device.store->outbox_size() == 5);

  SyncLimits limits;
  limits.push_changes = 2;
  limits.pull_page = 50;
  Welcomed welcomed(device, DeviceSyncSession::Mode::until_caught_up, limits);
  DeviceSyncSession& session = welcomed.session;
  CHECK(session.progress().pending == 5);

  // Pushes of 2, 2 and 1 changes, oldest first; each ack shrinks the outbox.
  std::vector<Bytes> sent = welcomed.sent;
  std::uint64_t expected_seq = 1;
  const std::size_t batch_sizes[] = {2, 2, 1};
  const std::size_t pending_after[] = {3, 1, 0};
  for (std::size_t batch = 0; batch < 3; ++batch) {
    CAPTURE(batch);
    CHECK(session.state() == SyncState::pushing);
    const Push push = only<Push>(sent);
    REQUIRE(push.changes.size() == batch_sizes[batch]);
    for (const Change& change : push.changes) CHECK(change.device_seq == expected_seq++);
    sent = deliver(session, accept_all(push, 100 + expected_seq));
    CHECK(device.store->status().pending_changes == pending_after[batch]);
    CHECK(session.progress().pending == pending_after[batch]);
  }
  CHECK(session.progress().pushed == 5);

  // Then it pulls from its cursor, following next_cursor while more wait.
  CHECK(session.state() == SyncState::pulling);
  CHECK(only<Pull>(sent) == Pull{0, 50});
  sent = deliver(session, page({from_other_device(kVisitX, "C1", "note", std::string("a"), 7),
                                from_other_device(kVisitY, "C1", "note", std::string("b"), 8)},
                               8, true, 3));
  CHECK(only<Pull>(sent) == Pull{8, 50});
  CHECK(session.progress().pulled == 2);
  CHECK(session.progress().pull_total == 5);
  CHECK_FALSE(session.finished());

  device.clock.advance(1'000);
  sent = deliver(session, page({from_other_device(kVisitX, "C1", "place", std::string("Home"), 9),
                                from_other_device(kVisitY, "C1", "place", std::string("Park"), 10),
                                from_other_device(kVisitY, "C1", "seen_alone", false, 11)},
                               11, false, 0));
  CHECK(sent.empty());
  CHECK(session.state() == SyncState::done);
  CHECK(session.finished());
  CHECK(session.progress().pulled == 5);
  CHECK(session.progress().pull_total == 5);
  CHECK(session.progress().pushed == 5);

  const DeviceStatus status = device.store->status();
  CHECK(status.pending_changes == 0);
  CHECK(status.cursor == 11);
  REQUIRE(status.last_sync_ms.has_value());
  CHECK(*status.last_sync_ms == device.clock.now_ms());
  CHECK(status.last_sync_error.empty());
}

TEST_CASE("pulled changes create and update records, keep pending local edits and apply deletes") {
  Device device;
  Welcomed welcomed(device, DeviceSyncSession::Mode::until_caught_up);
  DeviceSyncSession& session = welcomed.session;
  CHECK(only<Pull>(welcomed.sent).cursor == 0);  // nothing to push

  // Page 1: two visits another device recorded.
  std::vector<Bytes> sent =
      deliver(session, page({from_other_device(kVisitX, "C7", "note", std::string("v1"), 1),
                             from_other_device(kVisitY, "C7", "place", std::string("Home"), 2)},
                            2, true, 3));
  CHECK(only<Pull>(sent).cursor == 2);
  const auto visit = device.store->get(kVisitX);
  REQUIRE(visit.has_value());
  CHECK(visit->kind == Kind::visit);
  CHECK(visit->child_id == "C7");
  CHECK(text_of(*device.store, kVisitX, "note") == "v1");
  CHECK(text_of(*device.store, kVisitY, "place") == "Home");

  // The IRO edits the note while the next page is on its way.
  device.store->edit(kVisitX, {{"note", std::string("v1, and my words")}});

  // Page 2: a newer note (the local edit is pending), a new field, and a delete.
  sent = deliver(session, page({from_other_device(kVisitX, "C7", "note", std::string("v2"), 3),
                                from_other_device(kVisitX, "C7", "place", std::string("Park"), 4),
                                deletion_from_other_device(kVisitY, "C7", 5)},
                               5, false));
  CHECK(text_of(*device.store, kVisitX, "note") == "v1, and my words");
  CHECK(text_of(*device.store, kVisitX, "place") == "Park");
  REQUIRE(device.store->get(kVisitY).has_value());
  CHECK(device.store->get(kVisitY)->deleted);
  CHECK_FALSE(device.store->get(kVisitX)->deleted);

  // Caught up, the session pushes the local edit before finishing; it builds on version 1.
  const Push push = only<Push>(sent);
  REQUIRE(push.changes.size() == 1);
  CHECK(push.changes[0].doc_id == kVisitX);
  CHECK(push.changes[0].value == Value{std::string("v1, and my words")});
  CHECK(push.changes[0].base == 1);
  CHECK(deliver(session, accept_all(push, 6)).empty());
  CHECK(session.state() == SyncState::done);
  CHECK(text_of(*device.store, kVisitX, "note") == "v1, and my words");
}

TEST_CASE("a refused change moves to the rejected list and a record unknown to the server leaves") {
  Device device;
  const std::string orphan = device.record_visit("C1", {{"note", std::string("lost words")}});
  const std::string kept = device.record_visit("C1", {{"note", std::string("my note")}});
  const std::string known = device.record_visit("C1", {{"note", std::string("my version")}});

  Welcomed welcomed(device, DeviceSyncSession::Mode::until_caught_up);
  const Push push = only<Push>(welcomed.sent);
  REQUIRE(push.changes.size() == 3);

  PushAck ack;
  ack.results.push_back({push.changes[0].device_seq, PushOutcome::refused, 0, Hlc{}, Value{}, false,
                         "C1 is not in your caseload"});
  ack.results.push_back({push.changes[1].device_seq, PushOutcome::accepted, 11, push.changes[1].hlc,
                         Value{}, true, ""});
  ack.results.push_back({push.changes[2].device_seq, PushOutcome::refused, 12,
                         Hlc::from_parts(1'714'550'400'000, 3), std::string("the server's version"),
                         true, "the record is locked"});
  CHECK(only<Pull>(deliver(welcomed.session, ack)).cursor == 0);

  const std::vector<RejectedChange> rejected = device.store->rejected_changes();
  REQUIRE(rejected.size() == 2);
  CHECK(rejected[0].change.doc_id == orphan);
  CHECK(rejected[0].change.value == Value{std::string("lost words")});
  CHECK(rejected[0].reason == "C1 is not in your caseload");
  CHECK(rejected[0].rejected_ms == device.clock.now_ms());
  CHECK(rejected[1].change.doc_id == known);
  CHECK(rejected[1].reason == "the record is locked");

  CHECK_FALSE(device.store->get(orphan).has_value());  // no longer in the device's view
  CHECK(text_of(*device.store, kept, "note") == "my note");
  CHECK(text_of(*device.store, known, "note") == "the server's version");
  const DeviceStatus status = device.store->status();
  CHECK(status.pending_changes == 0);
  CHECK(status.rejected_changes == 2);
  CHECK(welcomed.session.progress().pushed == 3);
}

TEST_CASE("an edit made while its field's push is outstanding is pushed next on the new version") {
  Device device;
  const std::string visit = device.record_visit("C1", {{"note", std::string("first words")}});
  Welcomed welcomed(device, DeviceSyncSession::Mode::until_caught_up);
  const Push push = only<Push>(welcomed.sent);
  REQUIRE(push.changes.size() == 1);

  device.store->edit(visit, {{"note", std::string("first words, then more")}});
  const Push next = only<Push>(deliver(welcomed.session, accept_all(push, 21)));
  REQUIRE(next.changes.size() == 1);
  CHECK(next.changes[0].doc_id == visit);
  CHECK(next.changes[0].value == Value{std::string("first words, then more")});
  CHECK(next.changes[0].base == 21);  // builds on the version the server just accepted
  CHECK(text_of(*device.store, visit, "note") == "first words, then more");

  CHECK(only<Pull>(deliver(welcomed.session, accept_all(next, 22))).cursor == 0);
  CHECK(device.store->status().pending_changes == 0);
}

TEST_CASE("messages the protocol does not allow at that point are refused as invalid input") {
  Device device;
  device.record_visit("C1", {{"note", std::string("n")}, {"place", std::string("p")}});
  device.enrol();
  DeviceSyncSession session(*device.store, DeviceSyncSession::Mode::until_caught_up, device.clock);
  session.start("iro-test");

  SUBCASE("Changes before Welcome") {
    CHECK(error_code_of([&] { deliver(session, page({}, 1, false)); }) == ErrorCode::invalid_input);
  }
  SUBCASE("a PushAck before Welcome") {
    CHECK(error_code_of([&] { deliver(session, PushAck{}); }) == ErrorCode::invalid_input);
  }
  SUBCASE("bytes that are not a message") {
    const Bytes garbage = {1, 1, 99};
    CHECK(error_code_of([&] { session.receive(garbage); }) == ErrorCode::corrupt_data);
  }
  SUBCASE("after Welcome") {
    const Push push = only<Push>(deliver(session, Welcome{}));
    REQUIRE(push.changes.size() == 2);
    PushAck ack = accept_all(push);

    SUBCASE("a second Welcome") {
      CHECK(error_code_of([&] { deliver(session, Welcome{}); }) == ErrorCode::invalid_input);
    }
    SUBCASE("a message only a device sends") {
      CHECK(error_code_of([&] { deliver(session, Pull{0, 10}); }) == ErrorCode::invalid_input);
      CHECK(error_code_of([&] { deliver(session, push); }) == ErrorCode::invalid_input);
    }
    // A refused acknowledgement changes nothing: both changes wait to be retried.
    auto check_refused = [&](const PushAck& bad) {
      CHECK(error_code_of([&] { deliver(session, bad); }) == ErrorCode::invalid_input);
      CHECK(device.store->status().pending_changes == 2);
      CHECK(device.store->rejected_changes().empty());
    };
    SUBCASE("a PushAck with too few results") {
      ack.results.pop_back();
      check_refused(ack);
    }
    SUBCASE("a PushAck with too many results") {
      ack.results.push_back(ack.results.back());
      check_refused(ack);
    }
    SUBCASE("a PushAck for a change that was not pushed") {
      ack.results[1].device_seq = 99;
      check_refused(ack);
    }
    SUBCASE("a PushAck with its results out of order") {
      std::swap(ack.results[0], ack.results[1]);
      check_refused(ack);
    }
    SUBCASE("a PushAck when no push is outstanding") {
      CHECK(only<Pull>(deliver(session, ack)).cursor == 0);
      CHECK(error_code_of([&] { deliver(session, ack); }) == ErrorCode::invalid_input);
    }
    SUBCASE("Changes while a push is outstanding, before catching up") {
      CHECK(error_code_of([&] { deliver(session, page({}, 1, false)); }) ==
            ErrorCode::invalid_input);
    }
  }
}

TEST_CASE("a refusal ends the session and is recorded as the last sync error") {
  Device device;
  device.enrol();
  DeviceSyncSession session(*device.store, DeviceSyncSession::Mode::follow, device.clock);
  session.start("iro-test");
  device.clock.advance(250);
  const Refused refused{RefusalCode::bad_token, "this device is not recognised"};
  CHECK(deliver(session, refused).empty());
  CHECK(session.state() == SyncState::refused);
  CHECK(session.finished());
  REQUIRE(session.refusal().has_value());
  CHECK(*session.refusal() == refused);
  const DeviceStatus status = device.store->status();
  CHECK(status.last_sync_error == "this device is not recognised");
  CHECK(status.last_sync_error_ms == device.clock.now_ms());
  CHECK_FALSE(status.last_sync_ms.has_value());
  // A finished session ignores whatever follows.
  CHECK(deliver(session, Welcome{}).empty());
  CHECK(session.state() == SyncState::refused);
}

TEST_CASE("a wipe ends the session with its reason") {
  Device device;
  Welcomed welcomed(device, DeviceSyncSession::Mode::follow);
  CHECK(deliver(welcomed.session, Wipe{"reported stolen"}).empty());
  CHECK(welcomed.session.state() == SyncState::wiped);
  CHECK(welcomed.session.finished());
  CHECK(welcomed.session.wipe_reason() == "reported stolen");
  CHECK_FALSE(welcomed.session.refusal().has_value());
}

TEST_CASE("a ping is answered with exactly one pong carrying its nonce, in any state") {
  Device device;
  device.enrol();
  DeviceSyncSession session(*device.store, DeviceSyncSession::Mode::until_caught_up, device.clock);
  session.start("iro-test");
  CHECK(only<Pong>(deliver(session, Ping{0xabcdef0123})) == Pong{0xabcdef0123});
  CHECK(session.state() == SyncState::greeting);
  CHECK(deliver(session, Pong{5}).empty());

  CHECK(only<Pull>(deliver(session, Welcome{})).cursor == 0);
  CHECK(only<Pong>(deliver(session, Ping{7})) == Pong{7});
  CHECK(session.state() == SyncState::pulling);
  // The ping did not disturb the outstanding pull.
  CHECK(deliver(session, page({}, 0, false)).empty());
  CHECK(session.state() == SyncState::done);
}

TEST_CASE(
    "a child leaving the caseload mid-push is purged only after its changes are acknowledged") {
  Device device;
  const std::string first =
      device.record_visit("C1", {{"note", std::string("one")}, {"place", std::string("School")}});
  const std::string second = device.record_visit("C1", {{"note", std::string("two")}});
  const std::string other = device.record_visit("C2", {{"note", std::string("stays")}});
  SyncLimits limits;
  limits.push_changes = 2;
  Welcomed welcomed(device, DeviceSyncSession::Mode::until_caught_up, limits);
  DeviceSyncSession& session = welcomed.session;
  const Push first_push = only<Push>(welcomed.sent);
  REQUIRE(first_push.changes.size() == 2);

  // The scope change arrives while the first push awaits its ack: nothing is sent or purged yet.
  CHECK(deliver(session, ScopeChanged{{"C1"}, 40}).empty());
  CHECK(device.store->query(DocumentQuery::of_child("C1")).size() == 2);

  // The rest of the outbox, C1's last change among it, is still pushed.
  const Push second_push = only<Push>(deliver(session, accept_all(first_push, 1)));
  REQUIRE(second_push.changes.size() == 2);
  CHECK(second_push.changes[0].doc_id == second);
  CHECK(second_push.changes[1].doc_id == other);
  CHECK(device.store->get(second).has_value());
  CHECK(device.store->outbox_size() == 2);

  // Once everything is acknowledged, C1 goes and the session pulls.
  CHECK(only<Pull>(deliver(session, accept_all(second_push, 3))).cursor == 0);
  CHECK(device.store->query(DocumentQuery::of_child("C1")).empty());
  CHECK_FALSE(device.store->get(first).has_value());
  CHECK_FALSE(device.store->get(second).has_value());
  CHECK(device.store->query(DocumentQuery::of_child("C2")).size() == 1);
  CHECK(session.progress().pushed == 4);

  CHECK(deliver(session, page({}, 40, false)).empty());
  CHECK(session.state() == SyncState::done);
}

TEST_CASE("a scope change that arrives during the pull purges the child once caught up") {
  Device device;
  device.store->apply_changes(
      std::vector{from_other_device(kVisitX, "C5", "note", std::string("old"), 1)}, 1);
  Welcomed welcomed(device, DeviceSyncSession::Mode::until_caught_up);
  DeviceSyncSession& session = welcomed.session;
  CHECK(only<Pull>(welcomed.sent).cursor == 1);

  CHECK(deliver(session, ScopeChanged{{"C5"}, 3}).empty());
  CHECK(only<Pull>(deliver(session, page({}, 2, true, 1))).cursor == 2);
  CHECK(deliver(session, page({}, 3, false)).empty());
  CHECK(session.state() == SyncState::done);
  CHECK(device.store->query(DocumentQuery::of_child("C5")).empty());
  CHECK_FALSE(device.store->get(kVisitX).has_value());
}

TEST_CASE("a live scope change pushes the child's unsent records before purging them") {
  Device device;
  Welcomed welcomed(device, DeviceSyncSession::Mode::follow);
  DeviceSyncSession& session = welcomed.session;
  CHECK(deliver(session, page({}, 0, false)).empty());
  REQUIRE(session.state() == SyncState::live);

  const std::string visit = device.record_visit("C1", {{"note", std::string("just written")}});
  const Push push = only<Push>(deliver(session, ScopeChanged{{"C1"}, 12}));
  REQUIRE(push.changes.size() == 1);
  CHECK(push.changes[0].doc_id == visit);
  CHECK(device.store->get(visit).has_value());  // not purged before the server has the words

  CHECK(deliver(session, accept_all(push, 13)).empty());
  CHECK_FALSE(device.store->get(visit).has_value());
  CHECK(session.state() == SyncState::live);
}

TEST_CASE("in follow mode the session stays live, applies live changes and pushes on flush") {
  Device device;
  Welcomed welcomed(device, DeviceSyncSession::Mode::follow);
  DeviceSyncSession& session = welcomed.session;
  CHECK(only<Pull>(welcomed.sent).cursor == 0);
  CHECK(deliver(session, page({}, 3, false)).empty());
  CHECK(session.state() == SyncState::live);
  CHECK_FALSE(session.finished());
  CHECK(device.store->status().last_sync_ms.has_value());
  CHECK(session.flush().empty());  // nothing to push

  // The server sends a change as it is committed, not in answer to a pull.
  CHECK(deliver(session,
                page({from_other_device(kVisitX, "C3", "note", std::string("live"), 4)}, 4, false))
            .empty());
  CHECK(text_of(*device.store, kVisitX, "note") == "live");
  CHECK(device.store->status().cursor == 4);
  CHECK(session.progress().pulled == 1);
  CHECK(session.state() == SyncState::live);

  // A local edit goes out on flush; a second flush waits for the ack.
  const std::string visit = device.record_visit("C3", {{"note", std::string("mine")}});
  const Push push = only<Push>(session.flush());
  REQUIRE(push.changes.size() == 1);
  CHECK(push.changes[0].doc_id == visit);
  device.record_visit("C3", {{"note", std::string("another")}});
  CHECK(session.flush().empty());

  // Live changes still arrive while the push is outstanding.
  CHECK(deliver(
            session,
            page({from_other_device(kVisitY, "C3", "note", std::string("also live"), 5)}, 5, false))
            .empty());
  CHECK(text_of(*device.store, kVisitY, "note") == "also live");

  // The ack sends the edit made meanwhile; the next ack leaves the session live and idle.
  const Push next = only<Push>(deliver(session, accept_all(push, 6)));
  REQUIRE(next.changes.size() == 1);
  CHECK(deliver(session, accept_all(next, 7)).empty());
  CHECK(session.state() == SyncState::live);
  CHECK(device.store->status().pending_changes == 0);
  CHECK(session.flush().empty());
}

TEST_CASE("enrolment with the store's device id saves the credentials") {
  Device device;
  EnrolSession enrol(*device.store, kSyncServer);
  const Message sent = decode_message(enrol.start("ABCD-1234", "Anna's tablet"));
  CHECK(sent == Message{Enrol{"ABCD-1234", device.store->device_id(), "Anna's tablet"}});
  CHECK_FALSE(device.store->sync_credentials().has_value());

  const Enrolled enrolled{device.store->device_id(), kSyncToken, "iro-anna", "sunderland"};
  CHECK(enrol.receive(encode_message(enrolled)));
  CHECK(enrol.enrolled());
  CHECK(enrol.result() == enrolled);
  const auto credentials = device.store->sync_credentials();
  REQUIRE(credentials.has_value());
  CHECK(credentials->server == kSyncServer);
  CHECK(credentials->device_id == device.store->device_id());
  CHECK(credentials->device_token == kSyncToken);
  CHECK(device.store->status().tenant == "sunderland");
  CHECK(device.store->status().user_id == "iro-anna");
}

TEST_CASE("enrolment naming a different device id is refused and saves nothing") {
  Device device;
  EnrolSession enrol(*device.store, kSyncServer);
  enrol.start("ABCD-1234", "Anna's tablet");
  const Enrolled enrolled{"01890a5d-ac96-774b-bcce-b302099affff", kSyncToken, "iro-anna",
                          "sunderland"};
  CHECK(error_code_of([&] { enrol.receive(encode_message(enrolled)); }) ==
        ErrorCode::invalid_input);
  CHECK_FALSE(enrol.enrolled());
  CHECK_FALSE(device.store->sync_credentials().has_value());
}

TEST_CASE("a refused enrolment keeps the refusal and saves no credentials") {
  Device device;
  EnrolSession enrol(*device.store, kSyncServer);
  enrol.start("EXPIRED-1", "Anna's tablet");
  const Refused refused{RefusalCode::bad_code, "this code has expired"};
  CHECK(enrol.receive(encode_message(refused)));
  REQUIRE(enrol.refusal().has_value());
  CHECK(*enrol.refusal() == refused);
  CHECK_FALSE(enrol.enrolled());
  CHECK_FALSE(device.store->sync_credentials().has_value());
  // Anything but Enrolled or Refused is out of place during enrolment.
  CHECK(error_code_of([&] { enrol.receive(encode_message(Welcome{})); }) ==
        ErrorCode::invalid_input);
}

TEST_CASE("limits a peer would refuse, or that would never push, are brought in range") {
  Device device;
  device.record_visit("C1", {{"note", std::string("one")}, {"place", std::string("Home")}});
  SyncLimits limits;
  limits.push_changes = 0;  // taken literally, nothing would ever be pushed
  limits.pull_page = 0;
  Welcomed welcomed(device, DeviceSyncSession::Mode::until_caught_up, limits);
  const Push push = only<Push>(welcomed.sent);
  CHECK(push.changes.size() == 1);
  const auto after_ack = deliver(welcomed.session, accept_all(push));
  CHECK(only<Push>(after_ack).changes.size() == 1);

  SyncLimits huge;
  huge.pull_page = 1'000'000;
  Device other;
  Welcomed pulling(other, DeviceSyncSession::Mode::until_caught_up, huge);
  CHECK(only<Pull>(pulling.sent).limit == kMaxChangesPerMessage);
}

TEST_CASE("an event sink hears each step that changed the store, after it is committed") {
  Device device;
  device.enrol();
  const std::string kept = device.record_visit("C1", {{"note", std::string("mine")}});
  const std::string purged = device.record_visit("C2", {{"note", std::string("leaves")}});
  DeviceSyncSession session(*device.store, DeviceSyncSession::Mode::follow, device.clock);
  std::vector<SyncEvent> events;
  session.set_event_sink([&](const SyncEvent& event) {
    // After the commit: what the event names is already in the store.
    if (event.type == SyncEvent::Type::pulled) {
      for (const std::string& id : event.doc_ids) CHECK(device.store->get(id).has_value());
    }
    if (event.type == SyncEvent::Type::purged) {
      for (const std::string& id : event.doc_ids) CHECK_FALSE(device.store->get(id).has_value());
    }
    events.push_back(event);
  });
  session.start("iro-test");
  const Push push =
      only<Push>(deliver(session, Welcome{"iro-anna", "sunderland", 1, 0, "sunderland", {}, 0}));
  CHECK(events.empty());  // a Welcome changes no record

  // The push's verdicts: both records, once each, however many fields.
  deliver(session, ScopeChanged{{"C2"}, 5});
  CHECK(only<Pull>(deliver(session, accept_all(push, 1))).cursor == 0);
  REQUIRE(events.size() == 2);
  CHECK(events[0].type == SyncEvent::Type::pushed);
  CHECK(events[0].doc_ids == std::vector{std::min(kept, purged), std::max(kept, purged)});
  CHECK(events[0].pushed == 2);
  CHECK(events[0].pending == 0);
  // Then C2 left the caseload: its record went.
  CHECK(events[1].type == SyncEvent::Type::purged);
  CHECK(events[1].child_ids == std::vector<std::string>{"C2"});
  CHECK(events[1].doc_ids == std::vector{purged});

  // A page with two fields of one record names it once; then the catch-up.
  CHECK(deliver(session, page({from_other_device(kVisitX, "C1", "note", std::string("a"), 3),
                               from_other_device(kVisitX, "C1", "place", std::string("b"), 4)},
                              4, false))
            .empty());
  REQUIRE(events.size() == 4);
  CHECK(events[2].type == SyncEvent::Type::pulled);
  CHECK(events[2].doc_ids == std::vector<std::string>{kVisitX});
  CHECK(events[3].type == SyncEvent::Type::caught_up);
  CHECK(events[3].pulled == 2);
  CHECK(session.state() == SyncState::live);

  // Live: an empty page says nothing; a flushed edit is pushed, then in step again.
  CHECK(deliver(session, page({}, 4, false)).empty());
  CHECK(events.size() == 4);
  device.record_visit("C1", {{"note", std::string("later")}});
  const Push later = only<Push>(session.flush());
  CHECK(deliver(session, accept_all(later, 5)).empty());
  REQUIRE(events.size() == 6);
  CHECK(events[4].type == SyncEvent::Type::pushed);
  CHECK(events[5].type == SyncEvent::Type::caught_up);
  CHECK(to_string(events[5].type) == "caught_up");
}
