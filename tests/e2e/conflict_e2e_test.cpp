// Merges, conflicts and quarantine across real processes: one IRO's devices
// edit the same record offline, sync through a real server in a given order,
// and every device ends up holding exactly what the server holds — with the
// words that lost a merge kept as a conflict, and a change the server may not
// apply kept on the device and listed for the administrator.
#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "e2e/county.hpp"

using namespace iro::test;
using nlohmann::json;

namespace {

// The JSON lines a command printed, parsed; the command must have succeeded.
std::vector<json> json_lines(const ProcessResult& result) {
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  std::vector<json> parsed;
  for (const std::string& line : lines_of(result.out)) {
    if (!line.empty()) parsed.push_back(json::parse(line));
  }
  return parsed;
}

// One record of an export; null when the export does not hold it.
json record_in(const std::string& exported, const std::string& id) {
  for (const json& document : json::parse(exported)) {
    if (document["id"] == id) return document;
  }
  return nullptr;
}

// A field of one record in an export, as text ("" when absent).
std::string field_in(const std::string& exported, const std::string& id, const std::string& field) {
  const json document = record_in(exported, id);
  if (document.is_null() || !document["fields"].contains(field)) return "";
  return document["fields"][field].get<std::string>();
}

// Checks that every device exports, byte for byte, what the server exports
// for `user_id`, and returns the server's export.
std::string check_exports_agree(County& county, const std::string& user_id,
                                std::initializer_list<const DeviceProcess*> devices) {
  const std::string server = county.server_export(user_id);
  for (const DeviceProcess* device : devices) {
    CAPTURE(device->db());
    CHECK(device->export_json() == server);
  }
  return server;
}

void sync_in_order(std::initializer_list<const DeviceProcess*> devices) {
  for (const DeviceProcess* device : devices) device->ok({"sync"});
}

constexpr const char* kNoteText =
    "Seen at her foster home. She seemd happy and talked about school and her friends.";

// One IRO with a laptop and a tablet, both holding the same synced visit note.
struct LaptopAndTablet {
  County county;
  DeviceProcess laptop = county.enrol_device(0);
  DeviceProcess tablet = county.enrol_device(0);
  std::string note;

  LaptopAndTablet() {
    note = laptop.ok({"note", "add", "--child", "DEMO-0001", "--text", kNoteText});
    sync_in_order({&laptop, &tablet});
    REQUIRE(field_in(tablet.export_json(), note, "note") == kNoteText);
  }

  const std::string& user() const { return county.iro(0); }
};

// Both devices rewrite the same word of the note offline; the tablet syncs
// first, so the server keeps its words and the laptop's lose. Returns the
// conflict as the tablet lists it.
json overlapping_edits(LaptopAndTablet& iro, const std::string& laptop_words,
                       const std::string& tablet_words) {
  iro.laptop.ok({"note", "edit", iro.note, "--text", laptop_words});
  iro.tablet.ok({"note", "edit", iro.note, "--text", tablet_words});
  sync_in_order({&iro.tablet, &iro.laptop, &iro.tablet});
  const auto listed = json_lines(iro.tablet.run({"conflicts", "--json"}));
  REQUIRE(listed.size() == 1);
  return listed.front();
}

const std::string kLaptopWords =
    "Seen at her foster home. She seemed cheerful and talked about school and her friends.";
const std::string kTabletWords =
    "Seen at her foster home. She seemed quiet and talked about school and her friends.";

}  // namespace

TEST_CASE(
    "a typo fixed on the laptop and a paragraph added on the tablet, before either synced, both "
    "survive") {
  LaptopAndTablet iro;
  const std::string fixed =
      "Seen at her foster home. She seemed happy and talked about school and her friends.";
  const std::string appended = std::string(kNoteText) + "\n\nCarer says she now sleeps well.";
  iro.laptop.ok({"note", "edit", iro.note, "--text", fixed});
  iro.tablet.ok({"note", "edit", iro.note, "--text", appended});

  sync_in_order({&iro.laptop, &iro.tablet, &iro.laptop});

  const std::string server =
      check_exports_agree(iro.county, iro.user(), {&iro.laptop, &iro.tablet});
  CHECK(field_in(server, iro.note, "note") == fixed + "\n\nCarer says she now sleeps well.");
  CHECK_FALSE(record_in(server, iro.note).contains("conflicts"));
  for (const DeviceProcess* device : {&iro.laptop, &iro.tablet}) {
    const ProcessResult listed = device->run({"conflicts"});
    CHECK(listed.exit_code == 0);
    CHECK(listed.out == "");
    CHECK(json::parse(device->ok({"status", "--json"}))["pending_changes"] == 0);
  }
}

TEST_CASE(
    "overlapping edits keep the server's words and show the other device's as a conflict on "
    "every device") {
  LaptopAndTablet iro;
  // Synced tablet, laptop, tablet: the tablet's words reach the server first.
  const json conflict = overlapping_edits(iro, kLaptopWords, kTabletWords);

  // The device that lost lists the same conflict as the one that won.
  const auto on_laptop = json_lines(iro.laptop.run({"conflicts", "--json"}));
  REQUIRE(on_laptop.size() == 1);
  CHECK(on_laptop.front() == conflict);
  CHECK(conflict["doc_id"] == iro.note);
  CHECK(conflict["kind"] == "visit");
  CHECK(conflict["child_id"] == "DEMO-0001");
  CHECK(conflict["field"] == "note");
  CHECK(conflict["id"].get<std::string>().starts_with("note#"));
  CHECK(conflict["value"] == kLaptopWords);    // the words that lost
  CHECK(conflict["current"] == kTabletWords);  // the server's words, kept
  CHECK(conflict["device_id"] == County::device_id_of(iro.laptop));

  // The plain listing names the record, the conflict and both versions.
  const ProcessResult shown = iro.tablet.run({"conflicts"});
  CHECK(shown.exit_code == 0);
  CHECK(shown.out.find(iro.note + "  " + conflict["id"].get<std::string>()) != std::string::npos);
  CHECK(shown.out.find("kept:     " + kTabletWords) != std::string::npos);
  CHECK(shown.out.find("conflict: " + kLaptopWords) != std::string::npos);

  const std::string server =
      check_exports_agree(iro.county, iro.user(), {&iro.laptop, &iro.tablet});
  CHECK(field_in(server, iro.note, "note") == kTabletWords);
  const json exported = record_in(server, iro.note);
  REQUIRE(exported.contains("conflicts"));
  REQUIRE(exported["conflicts"].size() == 1);
  CHECK(exported["conflicts"][0]["id"] == conflict["id"]);
  CHECK(exported["conflicts"][0]["value"] == kLaptopWords);
  CHECK(exported["conflicts"][0]["device_id"] == County::device_id_of(iro.laptop));
}

TEST_CASE("resolving a conflict on one device clears it everywhere") {
  LaptopAndTablet iro;
  const json conflict = overlapping_edits(iro, kLaptopWords, kTabletWords);
  const std::string id = conflict["id"];

  // Each way of resolving, from either device: the record's words afterwards.
  const DeviceProcess* resolver = nullptr;
  const DeviceProcess* other = nullptr;
  std::vector<std::string> how;
  std::string expected;
  SUBCASE("--text, on the tablet: the IRO's own words") {
    resolver = &iro.tablet;
    other = &iro.laptop;
    expected = "Seen at her foster home. She seemed quiet at first, then cheerful.";
    how = {"--text", expected};
  }
  SUBCASE("--take, on the laptop: the conflict's words replace the record's") {
    resolver = &iro.laptop;
    other = &iro.tablet;
    how = {"--take"};
    expected = kLaptopWords;
  }
  SUBCASE("--keep, on the tablet: the record's words stay") {
    resolver = &iro.tablet;
    other = &iro.laptop;
    how = {"--keep"};
    expected = kTabletWords;
  }
  REQUIRE(resolver != nullptr);
  std::vector<std::string> command = {"conflicts", "resolve", iro.note, id};
  command.insert(command.end(), how.begin(), how.end());
  CHECK(resolver->ok(command) == "resolved " + id);
  // Resolved on the device at once, before any sync.
  CHECK(resolver->run({"conflicts"}).out == "");
  CHECK(field_in(resolver->export_json(), iro.note, "note") == expected);

  sync_in_order({resolver, other});

  const std::string server =
      check_exports_agree(iro.county, iro.user(), {&iro.laptop, &iro.tablet});
  CHECK(field_in(server, iro.note, "note") == expected);
  CHECK_FALSE(record_in(server, iro.note).contains("conflicts"));
  for (const DeviceProcess* device : {&iro.laptop, &iro.tablet}) {
    CAPTURE(device->db());
    const ProcessResult listed = device->run({"conflicts"});
    CHECK(listed.exit_code == 0);
    CHECK(listed.out == "");
    const json status = json::parse(device->ok({"status", "--json"}));
    CHECK(status["pending_changes"] == 0);
    CHECK(status["rejected_changes"] == 0);
  }
  // A device enrolled afterwards never sees the resolved conflict.
  DeviceProcess phone = iro.county.enrol_device(0);
  phone.ok({"sync"});
  CHECK(phone.run({"conflicts"}).out == "");
  CHECK(phone.export_json() == iro.county.server_export(iro.user()));
}

TEST_CASE("bad resolve commands are refused with one line and change nothing") {
  LaptopAndTablet iro;
  const json conflict = overlapping_edits(iro, kLaptopWords, kTabletWords);
  const std::string id = conflict["id"];
  const std::string before = iro.tablet.export_json();
  const std::string listed_before = iro.tablet.run({"conflicts", "--json"}).out;

  struct BadCommand {
    std::vector<std::string> args;
    int exit_code;
    std::string says;
  };
  const BadCommand bad_commands[] = {
      {{"conflicts", "resolve", iro.note, id}, 1, "--keep, --take or --text"},
      {{"conflicts", "resolve", iro.note, id, "--keep", "--take"}, 2, "excludes"},
      {{"conflicts", "resolve", iro.note, id, "--take", "--text", "other words"}, 2, "excludes"},
      {{"conflicts", "resolve", iro.note, id, "--keep", "--text", "other words"}, 2, "excludes"},
      {{"conflicts", "resolve", iro.note, "note#999999", "--keep"}, 1, "no conflict"},
      {{"conflicts", "resolve", iro.note, "note", "--take"}, 1, "no conflict"},
      {{"conflicts", "resolve", "01a2058f-0000-7000-8000-000000000000", id, "--keep"},
       1,
       "no conflict"},
  };
  for (const BadCommand& bad : bad_commands) {
    std::string shown;
    for (const std::string& arg : bad.args) shown += arg + " ";
    CAPTURE(shown);
    const ProcessResult refused = iro.tablet.run(bad.args);
    CHECK(refused.exit_code == bad.exit_code);
    CHECK(refused.out == "");
    CHECK(lines_of(refused.err).size() == 1);
    CHECK(refused.err.find(bad.says) != std::string::npos);
    // Nothing changed: the conflict is still listed, nothing waits to be sent.
    CHECK(iro.tablet.run({"conflicts", "--json"}).out == listed_before);
    CHECK(iro.tablet.export_json() == before);
    CHECK(json::parse(iro.tablet.ok({"status", "--json"}))["pending_changes"] == 0);
  }
  // And nothing reached the server: after a sync every device still shows it.
  sync_in_order({&iro.tablet, &iro.laptop});
  check_exports_agree(iro.county, iro.user(), {&iro.laptop, &iro.tablet});
  CHECK(iro.laptop.run({"conflicts", "--json"}).out == listed_before);
  CHECK(iro.tablet.run({"conflicts", "--json"}).out == listed_before);
}

TEST_CASE(
    "an edit of an issued letter that arrives late is quarantined, kept on the device and listed "
    "for the admin") {
  County county;
  DeviceProcess laptop = county.enrol_device(0);
  DeviceProcess tablet = county.enrol_device(0);
  sync_in_order({&laptop, &tablet});
  const std::string body = "Dear Amy, your review was held on 1 May at your foster home.";
  const std::string letter =
      laptop.ok({"add", "letter", "--child", "DEMO-0001", "--set", "body=" + body});
  sync_in_order({&laptop, &tablet});
  REQUIRE(field_in(tablet.export_json(), letter, "status") == "draft");

  // The tablet improves the draft offline...
  const std::string late_words = body + " You said you would like more time with your brother.";
  tablet.ok({"edit", letter, "--set", "body=" + late_words});
  // ...while the laptop takes the letter through its lifecycle (a manager
  // approves it) and issues it.
  laptop.ok({"letter", "submit", letter});
  laptop.ok({"sync"});
  DeviceProcess office = county.enrol_manager_device();
  office.ok({"sync"});
  office.ok({"letter", "approve", letter});
  office.ok({"sync"});
  laptop.ok({"sync"});
  laptop.ok({"letter", "issue", letter});
  laptop.ok({"sync"});
  tablet.ok({"sync"});

  // The tablet keeps its words, listed as refused with the reason.
  const auto rejected = json_lines(tablet.run({"rejected"}));
  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0]["doc_id"] == letter);
  CHECK(rejected[0]["kind"] == "letter");
  CHECK(rejected[0]["field"] == "body");
  CHECK(rejected[0]["value"] == late_words);
  CHECK(rejected[0]["reason"].get<std::string>().find("addendum") != std::string::npos);
  const json status = json::parse(tablet.ok({"status", "--json"}));
  CHECK(status["rejected_changes"] == 1);
  CHECK(status["pending_changes"] == 0);

  // The administrator sees the same change in quarantine.
  const ProcessResult quarantine = county.server().admin({"quarantine"});
  const auto quarantined = json_lines(quarantine);
  REQUIRE(quarantined.size() == 1);
  CHECK(quarantined[0]["doc_id"] == letter);
  CHECK(quarantined[0]["field"] == "body");
  CHECK(quarantined[0]["value"] == late_words);
  CHECK(quarantined[0]["device_id"] == County::device_id_of(tablet));
  CHECK(quarantined[0]["tenant"] == "demo-county");
  CHECK(quarantined[0]["reason"] == rejected[0]["reason"]);
  CHECK(json_lines(county.server().admin({"quarantine", "--tenant", "demo-county"})).size() == 1);
  CHECK(json_lines(county.server().admin({"quarantine", "--tenant", "elsewhere"})).empty());

  // Every copy holds the issued letter as the laptop wrote it.
  const std::string server = check_exports_agree(county, county.iro(0), {&laptop, &tablet});
  CHECK(field_in(server, letter, "body") == body);
  CHECK(field_in(server, letter, "status") == "issued");
  // And the tablet may no longer edit it.
  const ProcessResult again = tablet.run({"edit", letter, "--set", "body=" + late_words});
  CHECK(again.exit_code == 1);
  CHECK(again.err.find("addendum") != std::string::npos);
}

TEST_CASE("a conflict on a letter issued meanwhile can be kept but not taken") {
  County county;
  DeviceProcess laptop = county.enrol_device(0);
  DeviceProcess tablet = county.enrol_device(0);
  const std::string letter = laptop.ok(
      {"add", "letter", "--child", "DEMO-0001", "--set", "body=Dear Amy, we met at school."});
  sync_in_order({&laptop, &tablet});
  laptop.ok({"edit", letter, "--set", "body=Dear Amy, we met at the park."});
  tablet.ok({"edit", letter, "--set", "body=Dear Amy, we met at home."});
  sync_in_order({&tablet, &laptop, &tablet});
  const auto conflicts = json_lines(laptop.run({"conflicts", "--json"}));
  REQUIRE(conflicts.size() == 1);
  const std::string id = conflicts[0]["id"];
  CHECK(conflicts[0]["field"] == "body");
  CHECK(conflicts[0]["value"] == "Dear Amy, we met at the park.");

  // The tablet issues the letter with its words, once a manager approved
  // it; the laptop hears of it.
  tablet.ok({"letter", "submit", letter});
  tablet.ok({"sync"});
  DeviceProcess office = county.enrol_manager_device();
  office.ok({"sync"});
  office.ok({"letter", "approve", letter});
  office.ok({"sync"});
  tablet.ok({"sync"});
  tablet.ok({"letter", "issue", letter});
  sync_in_order({&tablet, &laptop});

  // Taking the conflict's words would change an issued letter: refused, nothing changes.
  const ProcessResult take = laptop.run({"conflicts", "resolve", letter, id, "--take"});
  CHECK(take.exit_code == 1);
  CHECK(take.err.find("addendum") != std::string::npos);
  CHECK(json_lines(laptop.run({"conflicts", "--json"})).size() == 1);
  CHECK(json::parse(laptop.ok({"status", "--json"}))["pending_changes"] == 0);
  // Keeping the issued words clears the conflict everywhere.
  CHECK(laptop.ok({"conflicts", "resolve", letter, id, "--keep"}) == "resolved " + id);
  sync_in_order({&laptop, &tablet});

  const std::string server = check_exports_agree(county, county.iro(0), {&laptop, &tablet});
  CHECK(field_in(server, letter, "body") == "Dear Amy, we met at home.");
  CHECK(field_in(server, letter, "status") == "issued");
  CHECK_FALSE(record_in(server, letter).contains("conflicts"));
  for (const DeviceProcess* device : {&laptop, &tablet}) {
    CAPTURE(device->db());
    CHECK(device->run({"conflicts"}).out == "");
    CHECK(device->run({"rejected"}).out == "");
  }
  CHECK(county.server().admin({"quarantine"}).out == "");
}

namespace {

// `iro-server admin devices [--user U]`, keyed by device id.
std::map<std::string, json> admin_devices(County& county, const std::string& user = "") {
  std::vector<std::string> args = {"devices"};
  if (!user.empty()) args.insert(args.end(), {"--user", user});
  std::map<std::string, json> devices;
  for (json& line : json_lines(county.server().admin(args))) {
    const std::string id = line["device_id"];
    devices.emplace(id, std::move(line));
  }
  return devices;
}

}  // namespace

TEST_CASE("an admin sees each device, when it was last seen and how far it lags") {
  County county;
  DeviceProcess laptop = county.enrol_device(0);
  DeviceProcess tablet = county.enrol_device(0);
  DeviceProcess other = county.enrol_device(1);
  const std::string laptop_id = County::device_id_of(laptop);
  const std::string tablet_id = County::device_id_of(tablet);
  const std::string other_id = County::device_id_of(other);

  auto listed = admin_devices(county);
  REQUIRE(listed.size() == 3);
  for (const auto& [id, device] : listed) {
    CAPTURE(device.dump());
    for (const char* key : {"device_id", "user_id", "last_seen", "cursor", "behind", "revoked"}) {
      CHECK(device.contains(key));
    }
    CHECK(device["revoked"].is_null());
  }
  CHECK(listed.at(laptop_id)["user_id"] == county.iro(0));
  CHECK(listed.at(other_id)["user_id"] == county.iro(1));
  const auto alex = admin_devices(county, county.iro(0));
  CHECK(alex.size() == 2);
  CHECK(alex.contains(laptop_id));
  CHECK(alex.contains(tablet_id));

  // A sync is seen: last seen moves on (ISO 8601 UTC, so text order is time order).
  const std::string seen_before = listed.at(laptop_id)["last_seen"];
  const json other_before = listed.at(other_id);
  laptop.ok({"sync"});
  tablet.ok({"sync"});
  listed = admin_devices(county);
  CHECK(listed.at(laptop_id)["last_seen"].get<std::string>() > seen_before);
  CHECK(listed.at(other_id) == other_before);  // not seen since: nothing about it changed

  // The laptop's notes reach the server; the tablet, not yet synced since,
  // falls behind by at least the changes it has not pulled (text and date of each).
  const std::uint64_t tablet_behind = listed.at(tablet_id)["behind"];
  laptop.ok({"note", "add", "--child", "DEMO-0001", "--text", "lag: one"});
  laptop.ok({"note", "add", "--child", "DEMO-0004", "--text", "lag: two"});
  laptop.ok({"sync"});
  listed = admin_devices(county);
  CHECK(listed.at(tablet_id)["behind"].get<std::uint64_t>() >= tablet_behind + 4);
  // Every line measures against the same head.
  const std::uint64_t head = listed.at(laptop_id)["cursor"].get<std::uint64_t>() +
                             listed.at(laptop_id)["behind"].get<std::uint64_t>();
  for (const auto& [id, device] : listed) {
    CAPTURE(device.dump());
    CHECK(device["cursor"].get<std::uint64_t>() + device["behind"].get<std::uint64_t>() == head);
  }
}

// The server records how far a device has pulled each time it catches up,
// not only at its Hello (where it stood before the sync).
TEST_CASE("an admin sees a device that has just synced as caught up") {
  County county;
  DeviceProcess laptop = county.enrol_device(0);
  DeviceProcess tablet = county.enrol_device(0);
  const std::string laptop_id = County::device_id_of(laptop);
  const std::string tablet_id = County::device_id_of(tablet);
  laptop.ok({"sync"});

  auto listed = admin_devices(county);
  const std::uint64_t laptop_cursor = json::parse(laptop.ok({"status", "--json"}))["cursor"];
  REQUIRE(laptop_cursor > 0);  // it pulled its caseload
  CHECK(listed.at(laptop_id)["cursor"] == laptop_cursor);
  CHECK(listed.at(laptop_id)["behind"] == 0);

  // After the tablet's push and pull, it too is at the head: nothing else changed.
  tablet.ok({"note", "add", "--child", "DEMO-0001", "--text", "caught up: the tablet's note"});
  tablet.ok({"sync"});
  listed = admin_devices(county);
  const std::uint64_t tablet_cursor = json::parse(tablet.ok({"status", "--json"}))["cursor"];
  CHECK(listed.at(tablet_id)["cursor"] == tablet_cursor);
  CHECK(listed.at(tablet_id)["behind"] == 0);
  // The laptop has not seen the tablet's note: it lags by exactly that note.
  CHECK(listed.at(laptop_id)["behind"] == tablet_cursor - laptop_cursor);
}
