// What `iro` does to keep a device's records and token to itself, run as a
// real process: a store whose server settings were changed behind its back
// sends nothing anywhere, plain ws:// goes to this machine only, what iro
// writes is its owner's alone, and a store made without a key says so.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "iro/store.hpp"
#include "store/sqlite.hpp"
#include "support/cli_checks.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using iro::test::check_refused;
using iro::test::lines_of;
using iro::test::ProcessResult;
using iro::test::run_process;
using nlohmann::json;

namespace {

constexpr const char* kSecurityHexKey =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

iro::EncryptionKey security_key() {
  iro::EncryptionKey key;
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = std::uint8_t(i);
  return key;
}

// A TCP listener on 127.0.0.1 that accepts every connection and counts what
// arrives: the test's stand-in for an attacker's server.
class WatchedListener {
 public:
  struct Heard {
    int connections = 0;
    std::size_t bytes = 0;
  };

  WatchedListener() {
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(m_fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(m_fd, 16) == 0);
    socklen_t size = sizeof address;
    REQUIRE(::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &size) == 0);
    m_port = ntohs(address.sin_port);
  }
  ~WatchedListener() { ::close(m_fd); }
  WatchedListener(const WatchedListener&) = delete;
  WatchedListener& operator=(const WatchedListener&) = delete;

  int port() const { return m_port; }

  // Runs `argv` while listening, and for a moment after it ends.
  ProcessResult run_while_listening(const std::vector<std::string>& argv, Heard& heard) {
    auto running = std::async(std::launch::async, [&] { return run_process(argv); });
    while (running.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready) {
      listen_for(std::chrono::milliseconds(50), heard);
    }
    listen_for(std::chrono::milliseconds(300), heard);
    return running.get();
  }

 private:
  // Accepts and reads for `window`; a connection is closed once it has
  // spoken (what it said is counted), so the client does not wait on it.
  void listen_for(std::chrono::milliseconds window, Heard& heard) {
    const auto until = std::chrono::steady_clock::now() + window;
    while (std::chrono::steady_clock::now() < until) {
      pollfd ready{m_fd, POLLIN, 0};
      if (::poll(&ready, 1, 10) <= 0) continue;
      const int client = ::accept(m_fd, nullptr, nullptr);
      if (client < 0) continue;
      ++heard.connections;
      pollfd said{client, POLLIN, 0};
      if (::poll(&said, 1, 1000) > 0) {
        char buffer[4096];
        const ssize_t got = ::read(client, buffer, sizeof buffer);
        if (got > 0) heard.bytes += std::size_t(got);
      }
      ::close(client);
    }
  }

  int m_fd = -1;
  int m_port = 0;
};

struct SecurityCli {
  iro::test::TempDir dir;
  std::string db = (dir / "tablet.db").string();
  std::string key_file = write_key_file();

  std::string write_key_file() {
    const auto path = dir / "tablet.key";
    std::ofstream(path) << kSecurityHexKey << "\n";
    return path.string();
  }

  std::vector<std::string> command(std::vector<std::string> args, bool with_key) const {
    if (with_key) args.insert(args.begin(), {"--key-file", key_file});
    args.insert(args.begin(), {IRO_CLI, "--db", db});
    return args;
  }
  ProcessResult run(std::vector<std::string> args, bool with_key = false) const {
    return run_process(command(std::move(args), with_key));
  }

  // An enrolled device's store, as enrolment leaves it.
  void enrol_store(const std::string& server, bool encrypted) const {
    iro::StoreOptions options;
    if (encrypted) options.encryption_key = security_key();
    auto store = iro::DeviceStore::open(db, options);
    store->save_enrolment(
        server, {store->device_id(), "token-of-the-tablet", "iro-anna", "kent"},
        encrypted ? "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n" : "");
  }

  // Runs `sql` on the store file behind iro's back.
  void tamper(const std::string& sql) const {
    iro::sqlite::Database raw(db);
    raw.execute(sql);
  }
};

unsigned permission_bits(const std::filesystem::path& path) {
  struct stat status {};
  REQUIRE(::stat(path.c_str(), &status) == 0);
  return unsigned(status.st_mode & 0777);
}

class ProcessUmask {
 public:
  explicit ProcessUmask(mode_t mask) : m_old(::umask(mask)) {}
  ~ProcessUmask() { ::umask(m_old); }
  ProcessUmask(const ProcessUmask&) = delete;
  ProcessUmask& operator=(const ProcessUmask&) = delete;

 private:
  mode_t m_old;
};

}  // namespace

TEST_CASE("iro sync and enrol send nothing from a store whose server address was changed") {
  SecurityCli cli;
  cli.enrol_store("wss://iro.council.example:8765", true);
  WatchedListener listener;
  const std::string listener_url = "ws://127.0.0.1:" + std::to_string(listener.port());
  cli.tamper("UPDATE meta SET value = '" + listener_url + "' WHERE key = 'server'");

  WatchedListener::Heard heard;
  const ProcessResult sync =
      listener.run_while_listening(cli.command({"sync", "--attempts", "1"}, true), heard);
  check_refused(sync, 1, "changed outside iro (they fail their integrity check); re-enrol");
  CHECK(heard.connections == 0);
  CHECK(heard.bytes == 0);

  const ProcessResult enrol = listener.run_while_listening(
      cli.command({"enrol", "--server", listener_url, "--code", "ABCD-1234"}, true), heard);
  check_refused(enrol, 1, "changed outside iro");
  CHECK(heard.connections == 0);
  CHECK(heard.bytes == 0);
}

TEST_CASE("iro refuses plain ws:// to another machine before connecting") {
  SecurityCli cli;
  const auto started = std::chrono::steady_clock::now();
  const ProcessResult enrol =
      cli.run({"enrol", "--server", "ws://192.0.2.1:9", "--code", "ABCD-1234"});
  check_refused(enrol, 1, "wss://");
  CHECK(enrol.err.find("192.0.2.1") != std::string::npos);
  // Refused before anything: no store was made for it.
  CHECK_FALSE(std::filesystem::exists(cli.db));

  // An address stored in a plain store (which nothing authenticates).
  cli.enrol_store("ws://192.0.2.1:9", false);
  const ProcessResult sync = cli.run({"sync", "--attempts", "1"});
  check_refused(sync, 1, "wss://");
  // Nothing was tried: a connection to 192.0.2.1 would wait for its timeout.
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(8));
}

TEST_CASE("the store and the files iro writes with a child's words are their owner's alone") {
  ProcessUmask umask_022(022);
  SecurityCli cli;
  const auto ok = [&](std::vector<std::string> args) {
    const ProcessResult result = cli.run(std::move(args));
    INFO("stderr: " << result.err);
    REQUIRE(result.exit_code == 0);
    const auto lines = lines_of(result.out);
    return lines.empty() ? std::string() : lines.back();
  };
  const std::string visit = ok({"note", "add", "--child", "C1", "--text", "Seen at school"});
  CHECK(permission_bits(cli.db) == 0600);

  const auto drawing = cli.dir / "drawing.png";
  std::ofstream(drawing, std::ios::binary) << "a child's drawing";
  const std::string hash = ok({"attach", visit, "--file", drawing.string()});
  const auto copy = cli.dir / "copy.png";
  ok({"attachment", "get", hash, "--out", copy.string()});
  CHECK(permission_bits(copy) == 0600);

  const std::string letter = ok({"letter", "draft", "--child", "C1", "--text", "Dear Sam, ..."});
  const auto pdf = cli.dir / "letter.pdf";
  const auto html = cli.dir / "letter.html";
  ok({"letter", "render", letter, "--pdf", pdf.string(), "--html", html.string()});
  CHECK(permission_bits(pdf) == 0600);
  CHECK(permission_bits(html) == 0600);
}

TEST_CASE(
    "iro warns once when it creates a store without a key, and status says if it is encrypted") {
  SecurityCli plain;
  const ProcessResult created = plain.run({"init"});
  REQUIRE(created.exit_code == 0);
  CHECK(lines_of(created.out).size() == 1);  // the device id, as before
  CHECK(created.err == "iro: warning: created " + plain.db +
                           " without a key: its records are not encrypted at rest (use "
                           "--key-file)\n");
  const ProcessResult again = plain.run({"status", "--json"});
  REQUIRE(again.exit_code == 0);
  CHECK(again.err.empty());
  CHECK(json::parse(again.out)["encrypted"] == false);

  // A command that fails after creating the store still says why on one
  // line, and says it made the store there.
  SecurityCli failed_first;
  const ProcessResult refused = failed_first.run({"show", "01890a5d-ac96-774b-bcce-b302099a8057"});
  check_refused(refused, 1, "no document");
  CHECK(refused.err.find("; warning: created " + failed_first.db + " without a key") !=
        std::string::npos);
  CHECK(failed_first.run({"status"}).err.empty());

  SecurityCli encrypted;
  const ProcessResult made = encrypted.run({"init"}, true);
  REQUIRE(made.exit_code == 0);
  CHECK(made.err.empty());
  const ProcessResult status = encrypted.run({"status", "--json"}, true);
  REQUIRE(status.exit_code == 0);
  CHECK(json::parse(status.out)["encrypted"] == true);
}
