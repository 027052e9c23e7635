// Devices and a real server converge: offline edits, any sync order, cuts.
#include <doctest/doctest.h>
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "e2e/county.hpp"

using namespace iro::test;
using nlohmann::json;

namespace {

// A JSON-lines file of `count` visit notes for the given children, in turn.
std::filesystem::path notes_file(const TempDir& dir, const std::string& name, int count,
                                 const std::vector<std::string>& children) {
  const auto path = dir / name;
  std::ofstream file(path);
  for (int i = 0; i < count; ++i) {
    file << json({{"child", children[i % children.size()]},
                  {"text", name + " note " + std::to_string(i) + ": seen at home"}})
                .dump()
         << "\n";
  }
  return path;
}

std::size_t notes_with_prefix(const std::string& exported, const std::string& prefix) {
  std::size_t count = 0;
  for (const auto& document : json::parse(exported)) {
    const auto& fields = document["fields"];
    if (fields.contains("note") && fields["note"].get<std::string>().starts_with(prefix)) ++count;
  }
  return count;
}

}  // namespace

TEST_CASE("two devices of one IRO and one of another converge in any sync order") {
  County county;
  DeviceProcess a1 = county.enrol_device(0);
  DeviceProcess a2 = county.enrol_device(0);
  DeviceProcess s1 = county.enrol_device(1);
  for (const DeviceProcess* device : {&a1, &a2, &s1}) device->ok({"sync"});

  // Offline work on every device.
  const std::string shared_note =
      a1.ok({"note", "add", "--child", "DEMO-0001", "--text", "A1: met at school"});
  a2.ok({"note", "add", "--child", "DEMO-0004", "--text", "A2: phoned the carer"});
  a2.ok({"add", "review", "--child", "DEMO-0007", "--set", "venue=Foster home", "--set",
         "format=hybrid"});
  s1.ok({"note", "add", "--child", "DEMO-0002", "--text", "S1: visit at contact centre"});
  // Another IRO's child: refused by the server, kept on S1's rejected list.
  s1.ok({"note", "add", "--child", "DEMO-0001", "--text", "S1: not my child"});

  for (const DeviceProcess* device : {&a2, &s1, &a1, &a2, &s1}) device->ok({"sync"});

  // Both of Alex's devices edit the same note before syncing: the later edit wins.
  a2.ok({"note", "edit", shared_note, "--text", "A2: met at school, seemed tired"});
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  a1.ok({"note", "edit", shared_note, "--text", "A1: met at school, happy"});
  for (const DeviceProcess* device : {&a1, &a2, &s1, &a2, &a1}) device->ok({"sync"});

  const std::string alex = county.server_export(county.iro(0));
  const std::string sam = county.server_export(county.iro(1));
  CHECK(a1.export_json() == alex);
  CHECK(a2.export_json() == alex);
  CHECK(s1.export_json() == sam);

  CHECK(notes_with_prefix(alex, "A1: met at school, happy") == 1);
  CHECK(notes_with_prefix(alex, "A2: phoned") == 1);
  CHECK(notes_with_prefix(alex, "S1") == 0);
  CHECK(count_kind(alex, "review") == 1);
  CHECK(notes_with_prefix(sam, "S1: visit") == 1);
  CHECK(notes_with_prefix(sam, "A") == 0);
  const std::string rejected = s1.run({"rejected"}).out;
  CHECK(rejected.find("child DEMO-0001 is not in your caseload") != std::string::npos);
  CHECK(rejected.find("S1: not my child") != std::string::npos);
  // Everything is on the server: nothing waits in any outbox.
  for (const DeviceProcess* device : {&a1, &a2, &s1}) {
    CHECK(json::parse(device->ok({"status", "--json"}))["pending_changes"] == 0);
  }
}

TEST_CASE("a sync cut mid-batch and retried duplicates nothing") {
  County county;
  DeviceProcess a1 = county.enrol_device(0);
  a1.ok({"sync"});
  a1.ok({"note", "import",
         notes_file(county.dir(), "cut", 3000, {"DEMO-0001", "DEMO-0004", "DEMO-0007"}).string()});

  for (int cut = 0; cut < 3; ++cut) {
    BackgroundProcess sync({IRO_CLI, "--db", a1.db().string(), "sync"});
    std::this_thread::sleep_for(std::chrono::milliseconds(60 + 40 * cut));
    sync.signal(SIGKILL);
    sync.wait(std::chrono::seconds(5));
  }
  a1.ok({"sync"});

  const std::string alex = county.server_export(county.iro(0));
  CHECK(notes_with_prefix(alex, "cut note ") == 3000);
  CHECK(count_kind(alex, "visit") == 3000);
  CHECK(a1.export_json() == alex);
  CHECK(json::parse(a1.ok({"status", "--json"}))["pending_changes"] == 0);
}

TEST_CASE("a device offline for a month with 2,000 pending changes catches up in one sync") {
  County county;
  DeviceProcess tablet = county.enrol_device(0);
  DeviceProcess laptop = county.enrol_device(0);
  tablet.ok({"sync"});
  // A month of notes on the tablet (1,000 notes: text and date, 2,000 changes),
  // while the laptop's month of work reaches the server.
  tablet.ok({"note", "import",
             notes_file(county.dir(), "tablet", 1000, {"DEMO-0001", "DEMO-0004"}).string()});
  laptop.ok({"note", "import",
             notes_file(county.dir(), "laptop", 1000, {"DEMO-0007", "DEMO-0010"}).string()});
  laptop.ok({"sync"});
  CHECK(json::parse(tablet.ok({"status", "--json"}))["pending_changes"] == 2000);

  const auto started = std::chrono::steady_clock::now();
  const ProcessResult sync = tablet.run({"sync"});
  const auto took = std::chrono::steady_clock::now() - started;
  MESSAGE("one sync of 2,000 up and 2,000+ down took "
          << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
  REQUIRE(sync.exit_code == 0);
  CHECK(sync.out.find("pushed 2000") != std::string::npos);
  CHECK(sync.err.find("of 2000") != std::string::npos);  // "pulled N of M" progress

  const std::string alex = county.server_export(county.iro(0));
  CHECK(tablet.export_json() == alex);
  CHECK(notes_with_prefix(alex, "tablet note ") == 1000);
  CHECK(notes_with_prefix(alex, "laptop note ") == 1000);
  CHECK(json::parse(tablet.ok({"status", "--json"}))["pending_changes"] == 0);
}

TEST_CASE("a live device receives another device's change without asking") {
  County county;
  DeviceProcess watcher = county.enrol_device(0);
  DeviceProcess writer = county.enrol_device(0);
  watcher.ok({"sync"});
  writer.ok({"sync"});
  BackgroundProcess follow({IRO_CLI, "--db", watcher.db().string(), "sync", "--follow", "20"});
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // caught up and live

  const std::string id =
      writer.ok({"note", "add", "--child", "DEMO-0004", "--text", "live: arrived by itself"});
  writer.ok({"sync"});
  bool arrived = false;
  for (int tries = 0; tries < 100 && !arrived; ++tries) {
    arrived = watcher.run({"show", id}).exit_code == 0;
    if (!arrived) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(arrived);

  // And the follower pushes its own edits while live, within a flush interval.
  const std::string own =
      watcher.ok({"note", "add", "--child", "DEMO-0001", "--text", "live: pushed by the follower"});
  bool pushed = false;
  for (int tries = 0; tries < 100 && !pushed; ++tries) {
    pushed = county.server_export(county.iro(0)).find(own) != std::string::npos;
    if (!pushed) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(pushed);
}

TEST_CASE("a child re-allocated away is pushed then purged from the old IRO's device") {
  County county;
  DeviceProcess alex = county.enrol_device(0);
  DeviceProcess sam = county.enrol_device(1);
  alex.ok({"sync"});
  sam.ok({"sync"});
  // Alex writes offline about DEMO-0001, which then moves to Sam.
  alex.ok({"note", "add", "--child", "DEMO-0001", "--text", "handover: written before the move"});
  REQUIRE(county.server()
              .admin({"allocate", "--child", "DEMO-0001", "--user", county.iro(1)})
              .exit_code == 0);
  alex.ok({"sync"});
  sam.ok({"sync"});

  const std::string alex_view = alex.export_json();
  CHECK(alex_view.find("DEMO-0001") == std::string::npos);  // purged
  CHECK(alex_view == county.server_export(county.iro(0)));
  const std::string sam_view = sam.export_json();
  CHECK(sam_view.find("handover: written before the move") != std::string::npos);
  CHECK(sam_view == county.server_export(county.iro(1)));
}

TEST_CASE("a live device rides out a server restart and sends what it wrote meanwhile") {
  County county;
  DeviceProcess watcher = county.enrol_device(0);
  DeviceProcess writer = county.enrol_device(0);
  watcher.ok({"sync"});
  writer.ok({"sync"});
  // --attempts bounds a plain sync; a follower keeps trying until its window ends.
  BackgroundProcess follow(
      {IRO_CLI, "--db", watcher.db().string(), "sync", "--follow", "30", "--attempts", "1"});
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // caught up and live

  county.server().stop();
  // Written while the server is down: nothing to send it to yet.
  const std::string offline = watcher.ok(
      {"note", "add", "--child", "DEMO-0001", "--text", "live: written while the server was down"});
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  county.restart_server();

  const std::string id =
      writer.ok({"note", "add", "--child", "DEMO-0004", "--text", "live: after the restart"});
  writer.ok({"sync"});
  bool arrived = false, pushed = false;
  for (int tries = 0; tries < 300 && !(arrived && pushed); ++tries) {
    arrived = arrived || watcher.run({"show", id}).exit_code == 0;
    pushed = pushed || county.server_export(county.iro(0)).find(offline) != std::string::npos;
    if (!(arrived && pushed)) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(arrived);  // it reconnected and resumed from its cursor
  CHECK(pushed);   // and sent its own edit without being asked again
  follow.signal(SIGTERM);
}
