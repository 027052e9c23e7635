// The server under stress: stopped or killed mid-storm, restarted, and
// connections that never speak. Nothing acknowledged is lost.
#include <doctest/doctest.h>
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "e2e/county.hpp"
#include "e2e/wire_probe.hpp"

using namespace iro::test;
using nlohmann::json;

namespace {

void import_notes(const County& county, const DeviceProcess& device, const std::string& prefix,
                  int count, const std::string& child) {
  const auto path = county.dir() / (prefix + ".jsonl");
  {
    std::ofstream file(path);
    for (int i = 0; i < count; ++i) {
      file << json({{"child", child}, {"text", prefix + " " + std::to_string(i)}}).dump() << "\n";
    }
  }
  device.ok({"note", "import", path.string()});
}

std::size_t visits(const std::string& exported) {
  return count_kind(exported, "visit");
}

}  // namespace

TEST_CASE("SIGTERM during a push storm drains and a restart loses nothing acknowledged") {
  County county;
  std::vector<DeviceProcess> devices;
  for (int i = 0; i < 3; ++i) {
    devices.push_back(county.enrol_device(0));
    import_notes(county, devices.back(), "storm" + std::to_string(i), 700, "DEMO-0001");
  }
  std::vector<std::unique_ptr<BackgroundProcess>> syncs;
  for (const DeviceProcess& device : devices) {
    syncs.push_back(std::make_unique<BackgroundProcess>(std::vector<std::string>{
        IRO_CLI, "--db", device.db().string(), "sync", "--attempts", "1"}));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  CHECK(county.server().stop() == 0);  // drained within the bound, exit status 0
  for (auto& sync : syncs) sync->wait(std::chrono::seconds(30));
  CHECK(county.server().log().find("every acknowledged change is committed") != std::string::npos);

  county.restart_server();
  // Each device pushes what was not acknowledged; a second round brings every
  // device what the others pushed after it.
  for (int round = 0; round < 2; ++round) {
    for (const DeviceProcess& device : devices) device.ok({"sync"});
  }
  const std::string alex = county.server_export(county.iro(0));
  CHECK(visits(alex) == 2100);
  for (const DeviceProcess& device : devices) CHECK(device.export_json() == alex);
}

TEST_CASE(
    "SIGKILL of the server mid-push loses nothing: devices resend what was not acknowledged") {
  County county;
  DeviceProcess device = county.enrol_device(0);
  import_notes(county, device, "crash", 2000, "DEMO-0004");
  BackgroundProcess sync({IRO_CLI, "--db", device.db().string(), "sync", "--attempts", "1"});
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  county.server().kill_now();
  // The device notices the dead server at once, not at its next keep-alive
  // ping 30 s later.
  CHECK(sync.wait(std::chrono::seconds(10)) != -1);
  const auto pending = json::parse(device.ok({"status", "--json"}))["pending_changes"].get<int>();
  MESSAGE("changes still pending after the crash: " << pending);

  county.restart_server();
  device.ok({"sync"});
  const std::string alex = county.server_export(county.iro(0));
  CHECK(visits(alex) == 2000);
  CHECK(device.export_json() == alex);
}

TEST_CASE("silent and half-open connections do not hold up other devices") {
  County county;
  DeviceProcess device = county.enrol_device(0);
  std::vector<std::unique_ptr<SilentClient>> silent;
  for (int i = 0; i < 20; ++i)
    silent.push_back(std::make_unique<SilentClient>(county.server().port()));
  device.ok({"note", "add", "--child", "DEMO-0001", "--text", "while others say nothing"});
  const auto started = std::chrono::steady_clock::now();
  const ProcessResult sync = device.run({"sync"});
  CHECK(sync.exit_code == 0);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
  CHECK(device.export_json() == county.server_export(county.iro(0)));
}
