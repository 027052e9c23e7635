// Two real iro-server processes on one PostgreSQL database, each
// with its own devices on 127.0.0.1: a note saved through one node reaches a
// device following the other live, and a node killed with SIGKILL after
// acknowledging a push loses nothing: the other node serves it. A program of
// its own (iro_two_nodes_tests), run with the PostgreSQL cases.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "iro/store.hpp"
#include "iro/transport.hpp"
#include "server/admin_run.hpp"
#include "server/server_fixture.hpp"
#include "server/test_store.hpp"
#include "support/process.hpp"
#include "support/server_process.hpp"

using namespace iro;
using namespace iro::test;

namespace {

std::unique_ptr<ServerProcess> start_node(const ServerFixture& council, const char* name) {
  std::vector<std::string> options = {"--insecure-loopback"};
  for (const std::string& option : test_store_options(council.dir / "server")) {
    options.push_back(option);
  }
  return std::make_unique<ServerProcess>(IRO_SERVER, council.dir / name, 0, options);
}

// A device store enrolled through `node` with a fresh code for the user.
std::unique_ptr<DeviceStore> enrolled_device(ServerFixture& council, const ServerProcess& node,
                                             const std::string& user, const char* name) {
  // Issued as an administrator does, on the real clock the nodes check it by.
  const AdminRun issued = run_admin(council.dir / "server", {"enrol", "--user", user});
  REQUIRE_MESSAGE(issued.exit_code == 0, issued.err);
  const std::vector<std::string> lines = lines_of(issued.out);
  REQUIRE_FALSE(lines.empty());
  const std::string& code = lines.back();  // the command prints the code last
  auto device = DeviceStore::open(council.dir / name, {.durable = false});
  const auto enrolled = transport::enrol_with_server(*device, node.url(), code, {});
  REQUIRE_MESSAGE(enrolled.enrolled, enrolled.message);
  return device;
}

bool holds_note(DeviceStore& device, const std::string& doc_id, const std::string& words) {
  const auto document = device.get(doc_id);
  if (!document) return false;
  const Value* note = document->field("note");
  return note != nullptr && *note == Value{words};
}

}  // namespace

TEST_CASE("devices on two nodes converge, and a node killed after an ack loses nothing") {
  ServerFixture council;
  council.add_tenant("shire");
  const std::string ann = council.add_user("shire", "Ann Iro");
  council.add_child("shire", "C1", ann);
  auto node_a = start_node(council, "node-a");
  auto node_b = start_node(council, "node-b");
  auto laptop = enrolled_device(council, *node_a, ann, "laptop.db");
  auto tablet = enrolled_device(council, *node_b, ann, "tablet.db");

  // The tablet follows node B live, for at most 30 s, until it holds the note.
  const std::string words = "Seen at home; talked about the new school.";
  std::mutex visit_lock;  // the follower thread reads what the test thread saves
  std::string visit;
  std::atomic<bool> arrived{false};
  transport::TransportOptions follow;
  follow.follow_for = std::chrono::seconds(30);
  follow.stop_requested = [&] { return arrived.load(); };
  std::atomic<bool> live{false};
  follow.on_event = [&](const SyncEvent& event) {
    if (event.type == SyncEvent::Type::caught_up) live = true;
  };
  std::thread follower([&] {
    transport::TransportOptions options = follow;
    options.on_event = [&](const SyncEvent& event) {
      follow.on_event(event);
      if (event.type != SyncEvent::Type::pulled) return;
      std::lock_guard<std::mutex> hold(visit_lock);
      if (!visit.empty()) arrived = holds_note(*tablet, visit, words);
    };
    transport::sync_with_server(*tablet, options);
  });
  for (int i = 0; i < 300 && !live; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(live);

  // The laptop saves a visit note through node A.
  const auto saved_at = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> hold(visit_lock);
    visit = laptop->create(Kind::visit, "C1", {{"note", words}});
  }
  REQUIRE(transport::sync_with_server(*laptop, {}).result == transport::SyncResult::synced);
  follower.join();
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - saved_at);
  CHECK_MESSAGE(arrived, "the tablet on node B never received node A's note");
  MESSAGE("a note synced through node A reached the tablet live on node B in " << took.count()
                                                                               << " ms");

  // Node A acknowledges a second note and dies at once: node B has it.
  const std::string second = "Ann's second visit: settled, asked about contact.";
  const std::string second_visit = laptop->create(Kind::visit, "C1", {{"note", second}});
  REQUIRE(transport::sync_with_server(*laptop, {}).result == transport::SyncResult::synced);
  node_a->kill_now();
  REQUIRE(transport::sync_with_server(*tablet, {}).result == transport::SyncResult::synced);
  CHECK(holds_note(*tablet, second_visit, second));
  CHECK(node_b->stop() == 0);
}
