// The attacker's view of a real iro-server on 127.0.0.1: a curious IRO of the
// same council, an IRO of another council, the finder of a lost tablet, each
// speaking the wire protocol directly (ForgingClient) with frames no real
// device sends. One case per hole found by an attacker's review; each runs on
// both engines (e2e/ and e2e-pg/).
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "e2e/county.hpp"
#include "e2e/curl.hpp"
#include "e2e/device_token.hpp"
#include "e2e/forging_client.hpp"
#include "iro/blob.hpp"
#include "iro/uuid.hpp"
#include "support/costly_text.hpp"
#include "support/process.hpp"
#include "support/test_store.hpp"
#include "support/text_checks.hpp"

using namespace iro;
using namespace iro::test;
using json = nlohmann::json;

namespace {

using Ms = std::chrono::milliseconds;

struct Credentials {
  std::string device_id;
  std::string token;
};

Credentials credentials_of(const DeviceProcess& device) {
  return {County::device_id_of(device), token_of(device)};
}

// Welcomed as the device, or the test stops.
Welcome welcome(ForgingClient& client, const Credentials& who) {
  const Message answer = client.hello(who.device_id, who.token);
  REQUIRE_MESSAGE(std::holds_alternative<Welcome>(answer),
                  "answered " << message_name(answer) << " instead of Welcome");
  return std::get<Welcome>(answer);
}

std::string new_id() {
  static UuidV7Generator ids;
  return ids.next(system_clock().now_ms());
}

Value words(const char* text) {
  return std::string(text);
}

// The audit log's entries about a device, as `admin audit --json` gives them.
std::vector<json> audit_of_device(County& county, const std::string& device_id) {
  const ProcessResult listed = county.server().admin({"audit", "--json", "--device", device_id});
  REQUIRE_MESSAGE(listed.exit_code == 0, listed.err);
  std::vector<json> entries;
  for (const std::string& line : lines_of(listed.out)) entries.push_back(json::parse(line));
  return entries;
}

bool audited(const std::vector<json>& entries, const std::string& detail_part) {
  return std::any_of(entries.begin(), entries.end(), [&](const json& entry) {
    return contains(entry["detail"].get<std::string>(), detail_part);
  });
}

// Whether the device's audit says `detail_part` within 3 s: a session writes
// its audit rows through the commit queue, after the answer they go with.
bool audited_soon(County& county, const std::string& device_id, const std::string& detail_part) {
  for (int tries = 0; tries < 30; ++tries) {
    if (audited(audit_of_device(county, device_id), detail_part)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// A council of its own beside the county ("vale"), with one IRO, one child
// and an enrolled device that has synced a note; returns the note's id.
std::string vale_note(County& county, const std::string& words_of_vale) {
  const auto admin = [&](std::vector<std::string> args, const std::string& input = "") {
    const ProcessResult result = county.server().admin(args, input);
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    return lines_of(result.out).empty() ? std::string() : lines_of(result.out).back();
  };
  admin({"add-tenant", "vale"});
  const std::string val =
      admin({"add-user", "--tenant", "vale", "--name", "Val Iro", "--role", "iro"});
  const auto csv = county.dir() / "vale.csv";
  std::ofstream(csv) << "child_id,first_name,last_name,date_of_birth,looked_after_since,"
                        "legal_status\nVALE-0001,Morwenna,Trelawney,2014-02-02,2021-05-05,C2\n";
  admin({"import-children", "--tenant", "vale", csv.string()});
  admin({"allocate", "--child", "VALE-0001", "--user", val});
  DeviceProcess device(IRO_CLI, county.dir() / "vale-device.db");
  device.ok(
      {"enrol", "--server", county.server().url(), "--code", admin({"enrol", "--user", val})});
  const std::string note =
      device.ok({"note", "add", "--child", "VALE-0001", "--text", words_of_vale});
  device.ok({"sync"});
  return note;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

}  // namespace

TEST_CASE(
    "a forged push reads no other child's words: not in a refusal, a reused number or "
    "another council's record") {
  County county(4);
  const DeviceProcess ann = county.enrol_device(0);  // DEMO-0001 and DEMO-0004
  const DeviceProcess bob = county.enrol_device(1);  // DEMO-0002
  const std::string bobs_note =
      bob.ok({"note", "add", "--child", "DEMO-0002", "--text", "Wombat-Saffron is settling in"});
  bob.ok({"sync"});
  const std::string vales = vale_note(county, "Kittiwake-Bramble likes her new school");

  ForgingClient forger(county.server().port());
  const Credentials who = credentials_of(ann);
  welcome(forger, who);

  // A push to Bob's record is refused, and carries none of his words back.
  const Change into_bobs =
      forged_change(bobs_note, Kind::visit, "DEMO-0002", "note", words("overwritten"), 1);
  std::vector<PushResult> results = forger.push({into_bobs});
  REQUIRE(results.size() == 1);
  CHECK(results[0].outcome == PushOutcome::refused);
  CHECK(is_unset(results[0].value));
  CHECK_FALSE(results[0].document_known);

  // A device_seq already used, for other content: refused, nothing read.
  results = forger.push(
      {forged_change(new_id(), Kind::visit, "DEMO-0001", "note", words("Ann's own visit"), 2)});
  REQUIRE(results[0].outcome == PushOutcome::accepted);
  results =
      forger.push({forged_change(bobs_note, Kind::visit, "DEMO-0002", "note", words("again"), 2)});
  CHECK(results[0].outcome == PushOutcome::refused);
  CHECK(contains(results[0].reason, "received before with other content"));
  CHECK(is_unset(results[0].value));

  // Bob's words move on; the refused change sent again, exactly as before,
  // is answered as before: still without them.
  bob.ok({"note", "edit", bobs_note, "--text",
          "Wombat-Saffron is settling in; Narwhal-Pepper visits on Sundays"});
  bob.ok({"sync"});
  results = forger.push({into_bobs});
  CHECK(results[0].outcome == PushOutcome::refused);
  CHECK(is_unset(results[0].value));

  // Another council's record id: refused by its id alone, under either child.
  results = forger.push(
      {forged_change(vales, Kind::visit, "DEMO-0001", "note", words("taken over"), 3),
       forged_change(vales, Kind::visit, "VALE-0001", "observations", words("taken over"), 4)});
  REQUIRE(results.size() == 2);
  for (const PushResult& result : results) {
    CHECK(result.outcome == PushOutcome::refused);
    CHECK(is_unset(result.value));
    CHECK_FALSE(result.document_known);
  }
  CHECK(contains(results[0].reason, "already in use"));

  // Nothing of theirs crossed the wire, however it might have been wrapped.
  for (const char* theirs : {"Wombat", "Narwhal", "Kittiwake", "Morwenna"}) {
    CAPTURE(theirs);
    CHECK_FALSE(contains(forger.received_bytes(), theirs));
  }
  // The retry is in the audit log, as every answer is.
  CHECK(audited_soon(county, who.device_id, "a retry, answered as before"));
}

TEST_CASE("while one device pushes costly merges, another is welcomed within a second") {
  County county(4);
  const Credentials attacker = credentials_of(county.enrol_device(0));
  const Credentials second = credentials_of(county.enrol_device(0));  // the attacker's other tablet
  const Credentials bob = credentials_of(county.enrol_device(1));

  // Ten notes the two tablets wrote apart from one base: each push of the
  // attacker's versions asks for ten costly three-way merges.
  constexpr int kNotes = 10;
  const std::string base = costly_text(0, kMaxTextBytes), theirs = costly_text(1, kMaxTextBytes),
                    mine = costly_text(2, kMaxTextBytes);
  ForgingClient writer(county.server().port()), other(county.server().port());
  welcome(writer, attacker);
  welcome(other, second);
  std::vector<Change> created, advanced;
  std::uint64_t seq = 0;
  for (int i = 0; i < kNotes; ++i) {
    created.push_back(
        forged_change(new_id(), Kind::visit, "DEMO-0001", "note", Value{base}, ++seq));
  }
  const std::vector<PushResult> made = writer.push(created);
  for (int i = 0; i < kNotes; ++i) {
    REQUIRE(made[i].outcome == PushOutcome::accepted);
    advanced.push_back(forged_change(created[i].doc_id, Kind::visit, "DEMO-0001", "note",
                                     Value{theirs}, std::uint64_t(i + 1), made[i].server_seq));
  }
  for (const PushResult& result : other.push(advanced)) {
    REQUIRE(result.outcome == PushOutcome::accepted);
  }

  std::atomic<bool> probing_done{false};
  std::atomic<int> pushes{0};
  std::vector<PushResult> first_answers;
  std::thread storm([&] {
    for (int round = 0; round < 10 && !probing_done; ++round) {
      std::vector<Change> merges;
      for (int i = 0; i < kNotes; ++i) {
        merges.push_back(forged_change(created[i].doc_id, Kind::visit, "DEMO-0001", "note",
                                       Value{mine}, ++seq, made[i].server_seq));
      }
      writer.send(Push{std::move(merges)});
      std::optional<Message> answer = writer.receive(Ms(120'000));
      if (!answer || !std::holds_alternative<PushAck>(*answer)) break;
      if (round == 0) first_answers = std::get<PushAck>(*answer).results;
      ++pushes;
    }
  });
  std::this_thread::sleep_for(Ms(100));  // the first push is in hand
  for (int probe = 0; probe < 5; ++probe) {
    ForgingClient newcomer(county.server().port());
    const auto started = std::chrono::steady_clock::now();
    const Message answer = newcomer.hello(bob.device_id, bob.token);
    const auto waited = std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - started);
    CAPTURE(probe);
    CHECK(std::holds_alternative<Welcome>(answer));
    CHECK(waited < Ms(1000));
    std::this_thread::sleep_for(Ms(200));
  }
  probing_done = true;
  storm.join();
  REQUIRE(pushes > 0);

  // Too costly to merge is not lost: the server keeps its own words and the
  // attacker's as a conflict, whole.
  REQUIRE(first_answers.size() == std::size_t(kNotes));
  CHECK(first_answers[0].outcome == PushOutcome::conflict);
  const std::string slot_value = [&] {
    for (const json& record : json::parse(county.server_export(county.iro(0)))) {
      if (record["id"] != created[0].doc_id) continue;
      CHECK(record["fields"]["note"] == theirs);
      for (const json& conflict : record["conflicts"]) {
        if (conflict["value"] == mine) return std::string("kept");
      }
    }
    return std::string("missing");
  }();
  CHECK(slot_value == "kept");
}

TEST_CASE(
    "a revoked device's live session ends within a second, and a collected one is wiped "
    "at its first pull or fetch") {
  County county(4);
  const Credentials tablet = credentials_of(county.enrol_device(0));
  const Credentials laptop = credentials_of(county.enrol_device(0));

  ForgingClient live(county.server().port());
  welcome(live, tablet);
  live.pull_all();  // caught up: the session is live
  const auto revoke = [&](const Credentials& who, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"revoke", "--device", who.device_id};
    args.insert(args.end(), extra.begin(), extra.end());
    REQUIRE(county.server().admin(args).exit_code == 0);
    return std::chrono::steady_clock::now();
  };
  auto revoked_at = revoke(tablet);
  const Wipe wipe = live.expect<Wipe>(Ms(3000));
  CHECK(std::chrono::steady_clock::now() - revoked_at < Ms(1000));
  CHECK(contains(wipe.reason, "revoked"));
  // Its push after the revocation is not taken: the connection is closed.
  live.send(Push{{forged_change(new_id(), Kind::visit, "DEMO-0001", "note",
                                words("after the revocation"), 1)}});
  CHECK_FALSE(live.receive(Ms(1000)).has_value());
  CHECK(live.closed());

  // Revoked with --collect-first: welcomed without a lease, its push is
  // taken with no server value in the answer, and a fetch is answered Wipe.
  revoke(laptop, {"--collect-first"});
  ForgingClient collected(county.server().port());
  const Welcome last = welcome(collected, laptop);
  CHECK(last.lease_secret.empty());
  const std::vector<PushResult> handed_in = collected.push(
      {forged_change(new_id(), Kind::visit, "DEMO-0001", "note", words("handed in"), 1)});
  CHECK(handed_in[0].outcome == PushOutcome::accepted);
  collected.send(BlobGet{std::string(64, 'a'), 0});
  CHECK(collected.expect<Wipe>(Ms(3000)).reason.size() > 0);
  // The collection is over: the next Hello is wiped at once.
  ForgingClient again(county.server().port());
  CHECK(std::holds_alternative<Wipe>(again.hello(laptop.device_id, laptop.token)));
  CHECK(contains(county.server_export(county.iro(0)), "handed in"));

  // Several nodes on one database: a node other than the one the revocation
  // was made beside ends its session too.
  if (testing_postgres()) {
    const Credentials third = credentials_of(county.enrol_device(0));
    ServerProcess node2(IRO_SERVER, county.server().data_dir());
    ForgingClient there(node2.port());
    welcome(there, third);
    there.pull_all();
    revoked_at = revoke(third);
    there.expect<Wipe>(Ms(3000));
    CHECK(std::chrono::steady_clock::now() - revoked_at < Ms(1000));
  }
}

TEST_CASE(
    "a device store's server settings come from its key, so a rewritten address gets "
    "no token") {
  // The device side's own checks: tests/cli/store_security_cli_test.cpp
  // changes a real store's address to a listener on 127.0.0.1 and sees no
  // byte arrive. Here, the server side of the same theft: a token sent over
  // ws:// to anywhere but this machine is refused by the device first.
  County county(2);
  DeviceProcess device(IRO_CLI, county.dir() / "elsewhere.db");
  const ProcessResult refused =
      device.run({"enrol", "--server", "ws://192.0.2.1:8765", "--code", "ABCD-EFGH-JKMN"});
  CHECK(refused.exit_code != 0);
  CHECK(contains(refused.err, "wss://"));
}

TEST_CASE(
    "connections past the limits are closed at once, and running out of descriptors "
    "pauses accepting instead of spinning") {
  TempDir dir;
  {
    ServerProcess server(
        IRO_SERVER, dir.path() / "limited", 0,
        {"--insecure-loopback", "--max-connections", "5", "--max-connections-per-address", "3"});
    std::vector<std::unique_ptr<ForgingClient>> held;
    for (int i = 0; i < 3; ++i) held.push_back(std::make_unique<ForgingClient>(server.port()));
    for (int i = 0; i < 3; ++i) {
      CHECK_THROWS(ForgingClient(server.port()));  // more from the same address
    }
    CHECK(count_of(server.log(), "event=connection-refused") == 1);  // logged once an episode
    for (int i = 0; i < 2; ++i) {
      held.push_back(std::make_unique<ForgingClient>(server.port(), "127.0.0.2"));
    }
    CHECK(contains(server.log(), "event=connections-refused-over-limit count=3"));
    CHECK_THROWS(ForgingClient(server.port(), "127.0.0.3"));  // a sixth in all
    held.erase(held.begin());                                 // one leaves: room for one more
    std::this_thread::sleep_for(Ms(200));
    CHECK_NOTHROW(ForgingClient(server.port(), "127.0.0.3"));
  }
  // A process limit of 64 descriptors (and no lower connection limit): a
  // hundred connections exhaust it.
  ServerProcess server(IRO_SERVER, dir.path() / "starved", 0,
                       {"--insecure-loopback", "--max-connections", "1000"},
                       {"prlimit", "--nofile=64:64", "--"});
  std::vector<int> sockets;
  for (int i = 0; i < 100; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(server.port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    sockets.push_back(fd);
  }
  std::this_thread::sleep_for(Ms(300));
  const double before = process_cpu_seconds(server.pid());
  std::this_thread::sleep_for(Ms(2000));
  const double spent = process_cpu_seconds(server.pid()) - before;
  CHECK(spent < 0.3);  // not a loop of failing accepts
  CHECK(count_of(server.log(), "event=accept-paused") == 1);
  CHECK(count_of(server.log(), "event=accept-failed") == 0);
  for (const int fd : sockets) ::close(fd);
  // Once descriptors are free, devices connect again.
  bool connected = false;
  for (int tries = 0; tries < 50 && !connected; ++tries) {
    std::this_thread::sleep_for(Ms(100));
    try {
      ForgingClient client(server.port());
      connected = std::holds_alternative<Refused>(client.hello(new_id(), std::string(64, 'f')));
    } catch (const std::exception&) {
    }
  }
  CHECK(connected);
}

TEST_CASE("a manager can name only themselves as a letter's approver") {
  County county(4);
  const DeviceProcess ann = county.enrol_device(0);
  const std::string letter =
      ann.ok({"letter", "draft", "--child", "DEMO-0001", "--text", "Dear Sam, thank you."});
  ann.ok({"letter", "submit", letter});
  ann.ok({"sync"});
  const DeviceProcess manager = county.enrol_manager_device();
  ForgingClient forger(county.server().port());
  const Welcome welcomed = welcome(forger, credentials_of(manager));

  std::vector<PushResult> results = forger.push(
      {forged_change(letter, Kind::letter, "DEMO-0001", "approved_by", Value{county.iro(0)}, 1)});
  CHECK(results[0].outcome == PushOutcome::refused);
  CHECK(contains(results[0].reason, "your own user id"));
  results = forger.push({forged_change(letter, Kind::letter, "DEMO-0001", "approved_by",
                                       Value{welcomed.user_id}, 2)});
  CHECK(results[0].outcome == PushOutcome::accepted);
}

TEST_CASE(
    "a record cannot name another child's drawing to fetch it, and an upload tells no one "
    "what the council holds") {
  County county(4);
  const DeviceProcess ann = county.enrol_device(0);
  const DeviceProcess bob = county.enrol_device(1);
  const std::filesystem::path drawing = county.dir() / "drawing.png";
  std::string bytes = "\x89PNG a drawing of a house with a big tree ";
  for (int i = 0; i < 2000; ++i) bytes += char('a' + i % 26);
  std::ofstream(drawing, std::ios::binary) << bytes;
  const std::string bobs_note =
      bob.ok({"note", "add", "--child", "DEMO-0002", "--text", "Sam drew his house"});
  const std::string hash = bob.ok({"attach", bobs_note, "--file", drawing.string()});
  bob.ok({"sync"});
  const std::string unheld = blob_hash(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>("nobody has this"), 15));

  ForgingClient forger(county.server().port());
  welcome(forger, credentials_of(ann));
  // Naming it on a record of Ann's own child: refused, in the same words as
  // a hash nobody holds.
  const std::string own = new_id();
  std::vector<PushResult> results = forger.push(
      {forged_change(own, Kind::visit, "DEMO-0001", "note", words("a visit"), 1),
       forged_change(own, Kind::visit, "DEMO-0001", "attachments", Value{StringSet{hash}}, 2)});
  CHECK(results[1].outcome == PushOutcome::refused);
  const std::string held_refusal = results[1].reason;
  results = forger.push(
      {forged_change(own, Kind::visit, "DEMO-0001", "attachments", Value{StringSet{unheld}}, 3)});
  CHECK(results[0].outcome == PushOutcome::refused);
  CHECK(held_refusal.substr(23) == results[0].reason.substr(23));  // past the hash's first 12
  // Fetching it: refused.
  forger.send(BlobGet{hash, 0});
  const BlobData fetched = forger.expect<BlobData>();
  CHECK_FALSE(fetched.refused.empty());
  CHECK(fetched.data.empty());
  // Asking how much of it the server has: the answer of a blob it does not hold.
  forger.send(BlobPut{hash, bytes.size(), 0, {}});
  const BlobAck probed = forger.expect<BlobAck>();
  forger.send(BlobPut{unheld, bytes.size(), 0, {}});
  const BlobAck unknown = forger.expect<BlobAck>();
  CHECK(probed.received == unknown.received);
  CHECK(probed.complete == unknown.complete);
  CHECK_FALSE(probed.complete);
  // Sending its bytes proves Ann's tablet holds them: then it may name it.
  forger.send(BlobPut{hash, bytes.size(), 0, Bytes(bytes.begin(), bytes.end())});
  CHECK(forger.expect<BlobAck>().complete);
  results = forger.push(
      {forged_change(own, Kind::visit, "DEMO-0001", "attachments", Value{StringSet{hash}}, 4)});
  CHECK(results[0].outcome == PushOutcome::accepted);
}

TEST_CASE("a child's old IRO may still send what they wrote before the move, and nothing else") {
  County county(4);
  const DeviceProcess ann = county.enrol_device(0);
  const std::string held =
      ann.ok({"note", "add", "--child", "DEMO-0001", "--text", "Sam was cheerful"});
  ann.ok({"sync"});
  const std::uint64_t before_move_ms = system_clock().now_ms() - 1000;
  REQUIRE(county.server()
              .admin({"allocate", "--child", "DEMO-0001", "--user", county.iro(1)})
              .exit_code == 0);

  ForgingClient forger(county.server().port());
  welcome(forger, credentials_of(ann));
  std::vector<PushResult> results =
      forger.push({forged_change(held, Kind::visit, "DEMO-0001", "place", words("school"), 101)});
  CHECK(results[0].outcome == PushOutcome::accepted);  // an edit of a record it held
  Change deletion = forged_change(held, Kind::visit, "DEMO-0001", "", Value{}, 102);
  deletion.op = ChangeOp::delete_document;
  results = forger.push({deletion});
  CHECK(results[0].outcome == PushOutcome::refused);
  CHECK(contains(results[0].reason, "left your caseload"));
  results = forger.push({forged_change(new_id(), Kind::visit, "DEMO-0001", "note",
                                       words("written after the move"), 103)});
  CHECK(results[0].outcome == PushOutcome::refused);
  // A note written offline before the move still arrives.
  Change offline = forged_change(new_id(), Kind::visit, "DEMO-0001", "note",
                                 words("written offline before the move"), 104);
  offline.hlc = Hlc::from_parts(before_move_ms, 0);
  results = forger.push({offline});
  CHECK(results[0].outcome == PushOutcome::accepted);
  CHECK(contains(county.server_export(county.iro(1)), "written offline before the move"));
  CHECK_FALSE(contains(county.server_export(county.iro(1)), "written after the move"));
}

TEST_CASE("sign-ins sent together are checked at most five times from one address") {
  County county(2, County::Transport::tls);
  std::vector<std::string> argv = {
      IRO_CURL,
      "--silent",
      "--cacert",
      county.certificates().ca.string(),
      "--parallel",
      "--parallel-max",
      "40",
      "--max-time",
      "30",
      "--write-out",
      "%{http_code}\\n",
      "--header",
      "Origin: https://127.0.0.1:" + std::to_string(county.server().port()),
      "--data-urlencode",
      "council=demo-county",
      "--data-urlencode",
      "login=pat.manager",
      "--data-urlencode",
      "password=not the password at all"};
  for (int i = 0; i < 40; ++i) {
    argv.insert(argv.end(),
                {"--output", "/dev/null",
                 "https://127.0.0.1:" + std::to_string(county.server().port()) + "/login"});
  }
  const ProcessResult sent = run_process(argv);
  REQUIRE_MESSAGE(sent.exit_code == 0, sent.err);
  int refused = 0, throttled = 0;
  for (const std::string& status : lines_of(sent.out)) {
    refused += status == "401";
    throttled += status == "429";
  }
  CHECK(refused + throttled == 40);
  CHECK(refused <= 5);  // only five passwords were ever checked
  const ProcessResult audit = county.server().admin({"audit", "--json"});
  CHECK(count_of(audit.out, "wrong password") <= 5);
}

TEST_CASE("uploads are held to the user's quota and a few at a time per device") {
  County county(2);
  const Credentials ann = credentials_of(county.enrol_device(0));
  // The county's server again, with a quota of 1 MiB a user.
  const auto data = county.server().data_dir();
  county.server().stop();
  ServerProcess server(IRO_SERVER, data, 0, {"--insecure-loopback", "--attachment-quota-mib", "1"});
  ForgingClient forger(server.port());
  welcome(forger, ann);
  const auto hash_of = [](int n) {
    const std::string text = "upload " + std::to_string(n);
    return blob_hash(std::span<const std::uint8_t>(
        reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  };
  forger.send(BlobPut{hash_of(0), 2 * 1024 * 1024, 0, Bytes(1024, 1)});
  const BlobAck too_big = forger.expect<BlobAck>();
  CHECK(contains(too_big.refused, "quota"));
  for (int n = 1; n <= 4; ++n) {
    forger.send(BlobPut{hash_of(n), 4096, 0, Bytes(1024, 1)});
    CHECK(forger.expect<BlobAck>().refused.empty());
  }
  forger.send(BlobPut{hash_of(5), 4096, 0, Bytes(1024, 1)});
  CHECK(contains(forger.expect<BlobAck>().refused, "half uploaded"));
}

TEST_CASE("the server's data and a device's store are readable by their owner alone") {
  County county(2);
  const DeviceProcess ann = county.enrol_device(0);
  ann.ok({"sync"});
  const auto mode = [](const std::filesystem::path& path) {
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    return info.st_mode & 0777;
  };
  CHECK(mode(ann.db()) == 0600);
  if (!testing_postgres()) {
    CHECK(mode(county.server().data_dir()) == 0700);
    for (const auto& entry : std::filesystem::directory_iterator(county.server().data_dir())) {
      CAPTURE(entry.path());
      CHECK(mode(entry.path()) == 0600);
    }
  }
}

TEST_CASE("/metrics needs its token when one is set, and TLS replies say to keep to TLS") {
  County county(2, County::Transport::tls);
  CHECK(curl(county, "/healthz").header("Strict-Transport-Security").starts_with("max-age="));
  CHECK(curl(county, "/metrics").status == 200);  // a scraper on this machine, no token set
  const auto data = county.server().data_dir();
  const auto token_file = county.dir() / "metrics.token";
  std::ofstream(token_file) << "a-scraper-token-of-some-length\n";
  county.server().stop();
  // Restarted with a token (restart_server keeps the flags it was given).
  ServerProcess server(
      IRO_SERVER, data, county.server().port(),
      {"--tls-cert", county.certificates().server_cert.string(), "--tls-key",
       county.certificates().server_key.string(), "--metrics-token-file", token_file.string()});
  CHECK(curl(county, "/metrics").status == 401);
  CHECK(curl(county, "/metrics", {"--header", "Authorization: Bearer wrong-token-of-some-length"})
            .status == 401);
  CHECK(
      curl(county, "/metrics", {"--header", "Authorization: Bearer a-scraper-token-of-some-length"})
          .status == 200);
}

TEST_CASE("a second session with the same token ends the first, audited as a possible copy") {
  County county(2);
  const Credentials tablet = credentials_of(county.enrol_device(0));
  ForgingClient original(county.server().port());
  welcome(original, tablet);
  original.pull_all();
  std::this_thread::sleep_for(Ms(200));  // its Hello is recorded
  ForgingClient copy(county.server().port());
  welcome(copy, tablet);
  const auto started = std::chrono::steady_clock::now();
  const Refused ended = original.expect<Refused>(Ms(3000));
  CHECK(std::chrono::steady_clock::now() - started < Ms(1500));
  CHECK(ended.code == RefusalCode::not_allowed);
  CHECK(contains(ended.reason, "another session"));
  CHECK(audited_soon(county, tablet.device_id, "a copy of the token"));
  // The newer session goes on.
  copy.send(Ping{7});
  CHECK(copy.expect<Pong>().nonce == 7);
}
