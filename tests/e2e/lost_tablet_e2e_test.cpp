// A lost tablet, end to end over TLS: what a thief finds in its store file,
// and what revoking it does on its next connection.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "e2e/county.hpp"

using namespace iro::test;

namespace {

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

// Every byte of the store: the database file and its write-ahead log.
std::string store_bytes(const DeviceProcess& device) {
  return file_bytes(device.db()) + file_bytes(device.db().string() + "-wal");
}

}  // namespace

TEST_CASE(
    "a lost tablet holds no words in clear, and once revoked sends what it had and is wiped") {
  County county(4, County::Transport::tls);
  const std::filesystem::path key = county.dir() / "tablet.key";
  std::ofstream(key) << "5a17c0ffee5a17c0ffee5a17c0ffee5a17c0ffee5a17c0ffee5a17c0ffee5a17\n";
  DeviceProcess tablet(IRO_CLI, county.dir() / "tablet.db");
  const auto on_tablet = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--key-file", key.string()});
    return tablet.ok(args);
  };
  const ProcessResult code = county.server().admin({"enrol", "--user", county.iro(0)});
  on_tablet({"enrol", "--server", county.server().url(), "--code", lines_of(code.out).back(),
             "--ca-cert", county.certificates().ca.string()});
  on_tablet({"sync"});
  on_tablet({"note", "add", "--child", "DEMO-0001", "--text",
             "Kestrel-Marmalade said she feels safe at her nan's"});
  on_tablet({"sync"});
  // Written after the last sync: only this tablet has it.
  on_tablet({"note", "add", "--child", "DEMO-0001", "--text",
             "Quokka-Lantern wants to see her brother more often"});

  // The thief's view: the file, without the keystore's key.
  const std::string bytes = store_bytes(tablet);
  REQUIRE(bytes.size() > 4096);
  CHECK(bytes.find("Kestrel") == std::string::npos);
  CHECK(bytes.find("Quokka") == std::string::npos);
  CHECK(bytes.find("brother") == std::string::npos);
  // (The server has the synced words: the grep can find them where they are.)
  CHECK(county.server_export(county.iro(0)).find("Kestrel-Marmalade") != std::string::npos);
  // And the file will not open without the key.
  const ProcessResult keyless = tablet.run({"export", "--json"});
  CHECK(keyless.exit_code == 1);
  CHECK(keyless.err.find("--key-file") != std::string::npos);

  // Revoked, collecting first: the next connection pushes the unsynced note,
  // then the store deletes itself.
  const std::string device_id = [&] {
    const std::string status = on_tablet({"status", "--json"});
    const auto start = status.find("\"device_id\":\"") + 13;
    return status.substr(start, status.find('"', start) - start);
  }();
  REQUIRE(county.server().admin({"revoke", "--device", device_id, "--collect-first"}).exit_code ==
          0);
  const ProcessResult wiped = tablet.run({"--key-file", key.string(), "sync"});
  CHECK(wiped.exit_code == 3);
  CHECK(wiped.err.find("this device was revoked") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(tablet.db()));
  CHECK_FALSE(std::filesystem::exists(tablet.db().string() + "-wal"));
  CHECK(county.server_export(county.iro(0)).find("Quokka-Lantern wants to see her brother") !=
        std::string::npos);
}
