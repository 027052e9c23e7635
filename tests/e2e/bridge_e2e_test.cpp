// The mobile bridge against a real iro-server on 127.0.0.1: a plain C
// program (tests/bridge/sync_demo.c) syncing a visit note, and the C ABI
// driven from here as a host would: the listener during a sync, a follower
// stopped by closing its store, a wipe, refusals, a host's own WebSocket
// carrying the sans-IO sessions, and conflicts.
#include <doctest/doctest.h>

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <filesystem>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "e2e/county.hpp"
#include "iro/iro.h"

using namespace iro::test;
using nlohmann::json;

namespace {

// What the library returned, as a string, freed; "" for NULL.
std::string taken(char* buffer) {
  std::string text = buffer == nullptr ? "" : buffer;
  iro_free(buffer);
  return text;
}

// The host's side of a listener: every event, in order.
struct EventLog {
  std::mutex lock;
  std::vector<json> events;

  static void record(void* context, const char* event_json) {
    auto* log = static_cast<EventLog*>(context);
    std::lock_guard<std::mutex> hold(log->lock);
    log->events.push_back(json::parse(event_json));
  }

  std::vector<json> all() {
    std::lock_guard<std::mutex> hold(lock);
    return events;
  }

  // Events of that type ("changed" with an origin, "synced", "wiped").
  std::vector<json> of(const std::string& event, const std::string& origin = "") {
    std::vector<json> found;
    for (const json& entry : all()) {
      if (entry["event"] == event && (origin.empty() || entry["origin"] == origin)) {
        found.push_back(entry);
      }
    }
    return found;
  }
};

bool names(const json& event, const std::string& doc_id) {
  for (const auto& id : event["doc_ids"]) {
    if (id == doc_id) return true;
  }
  return false;
}

// A store opened through the C ABI, closed when the test is done with it.
class BridgeStore {
 public:
  explicit BridgeStore(const std::filesystem::path& path) : m_path(path) {
    iro_error_t error{};
    REQUIRE_MESSAGE(iro_store_open(path.c_str(), nullptr, 0, &m_store, &error) == IRO_OK,
                    error.message);
  }
  ~BridgeStore() { iro_store_close(m_store); }
  BridgeStore(const BridgeStore&) = delete;
  BridgeStore& operator=(const BridgeStore&) = delete;

  iro_store_t* handle() const { return m_store; }
  const std::filesystem::path& path() const { return m_path; }

  void enrol(County& county, int iro_index) {
    iro_error_t error{};
    REQUIRE_MESSAGE(iro_enrol(m_store, county.server().url().c_str(),
                              issue_code(county, county.iro(iro_index)).c_str(), "e2e tablet",
                              nullptr, &error) == IRO_OK,
                    error.message);
  }

  // iro_sync_run with the defaults; the report.
  json sync(iro_sync_options_t* options = nullptr) {
    iro_error_t error{};
    char* report = nullptr;
    const iro_status_t status = iro_sync_run(m_store, options, &report, &error);
    REQUIRE_MESSAGE(status == IRO_OK, error.message);
    return json::parse(taken(report));
  }

  std::string add_note(const std::string& child, const std::string& text) {
    iro_error_t error{};
    char* id = nullptr;
    REQUIRE_MESSAGE(iro_note_add(m_store, child.c_str(), text.c_str(), &id, &error) == IRO_OK,
                    error.message);
    return taken(id);
  }

  json get(const std::string& doc_id) {
    iro_error_t error{};
    char* document = nullptr;
    REQUIRE(iro_document_get(m_store, doc_id.c_str(), &document, &error) == IRO_OK);
    const std::string text = taken(document);
    return text.empty() ? json(nullptr) : json::parse(text);
  }

  std::string device_id() {
    char* id = nullptr;
    REQUIRE(iro_store_device_id(m_store, &id, nullptr) == IRO_OK);
    return taken(id);
  }

  static std::string issue_code(County& county, const std::string& user) {
    const ProcessResult code = county.server().admin({"enrol", "--user", user});
    REQUIRE_MESSAGE(code.exit_code == 0, code.err);
    return lines_of(code.out).back();
  }

 private:
  std::filesystem::path m_path;
  iro_store_t* m_store = nullptr;
};

bool server_has_note(County& county, int iro_index, const std::string& id,
                     const std::string& text) {
  for (const json& document : json::parse(county.server_export(county.iro(iro_index)))) {
    if (document["id"] == id) return document["fields"]["note"] == text;
  }
  return false;
}

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// The host's own WebSocket (as URLSessionWebSocketTask or OkHttp would be),
// moving the frames the sans-IO session makes.
class HostSocket {
 public:
  explicit HostSocket(std::uint16_t port) : m_ws(m_ioc) {
    beast::get_lowest_layer(m_ws).expires_after(std::chrono::seconds(10));
    beast::get_lowest_layer(m_ws).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    beast::get_lowest_layer(m_ws).expires_never();
    m_ws.handshake("127.0.0.1:" + std::to_string(port), "/");
    m_ws.binary(true);
  }

  void send(const std::uint8_t* bytes, std::size_t length) {
    m_ws.write(net::buffer(bytes, length));
  }

  void send(const iro_frames_t* frames) {
    for (std::size_t i = 0; i < frames->count; ++i) send(frames->data[i], frames->lengths[i]);
  }

  // The next frame from the server; fails the test after 10 s of silence.
  std::vector<std::uint8_t> receive() {
    beast::flat_buffer buffer;
    beast::error_code result = net::error::would_block;
    m_ws.async_read(buffer, [&](beast::error_code error, std::size_t) { result = error; });
    m_ioc.restart();
    m_ioc.run_for(std::chrono::seconds(10));
    if (result == net::error::would_block) {
      beast::get_lowest_layer(m_ws).close();
      m_ioc.restart();
      m_ioc.run();
      FAIL("the server said nothing for 10 s");
    }
    REQUIRE_MESSAGE(!result, result.message());
    const auto data = buffer.cdata();
    const auto* begin = static_cast<const std::uint8_t*>(data.data());
    return {begin, begin + data.size()};
  }

  void close() { m_ws.close(websocket::close_code::normal); }

 private:
  net::io_context m_ioc;
  websocket::stream<beast::tcp_stream> m_ws;
};

iro_sync_state_t state_of(iro_sync_session_t* session) {
  iro_sync_state_t state = IRO_SYNC_GREETING;
  REQUIRE(iro_sync_session_state(session, &state, nullptr) == IRO_OK);
  return state;
}

// Feeds server frames to the session and sends its replies until `until`
// says stop; bounded.
template <typename Until>
void converse(HostSocket& socket, iro_sync_session_t* session, Until until) {
  for (int frames = 0; !until(state_of(session)); ++frames) {
    REQUIRE(frames < 1000);
    const std::vector<std::uint8_t> frame = socket.receive();
    iro_frames_t* replies = nullptr;
    iro_error_t error{};
    REQUIRE_MESSAGE(
        iro_sync_session_receive(session, frame.data(), frame.size(), &replies, &error) == IRO_OK,
        error.message);
    socket.send(replies);
    iro_frames_free(replies);
  }
}

}  // namespace

TEST_CASE("a C program enrols, records a visit note offline, syncs, and the server has it") {
  County county;
  const std::string code = BridgeStore::issue_code(county, county.iro(0));
  const std::string text = "Seen at school; talked about football (from C)";
  const ProcessResult demo =
      run_process({IRO_BRIDGE_SYNC_DEMO, (county.dir() / "tablet.db").string(),
                   county.server().url(), code, "DEMO-0001", text});
  REQUIRE_MESSAGE(demo.exit_code == 0, demo.err);
  const std::vector<std::string> out = lines_of(demo.out);
  REQUIRE(out.size() >= 2);
  const std::string note = out.back();
  CHECK(note.size() == 36);

  const json report = json::parse(out[out.size() - 2]);
  CHECK(report["result"] == "synced");
  CHECK(report["pushed"] == 2);  // the note and its date
  CHECK(report["pending"] == 0);
  CHECK(server_has_note(county, 0, note, text));
  // The listener heard the local edit, the push's verdicts and the catch-up.
  CHECK(demo.err.find("\"origin\":\"local\"") != std::string::npos);
  CHECK(demo.err.find("\"origin\":\"push\",\"doc_ids\":[\"" + note + "\"]") != std::string::npos);
  CHECK(demo.err.find("\"event\":\"synced\"") != std::string::npos);

  // A code works once: the same program with it again is refused.
  const ProcessResult again =
      run_process({IRO_BRIDGE_SYNC_DEMO, (county.dir() / "other.db").string(),
                   county.server().url(), code, "DEMO-0001"});
  CHECK(again.exit_code == 1);
  CHECK(again.err.find("iro_enrol failed (code 12)") != std::string::npos);
}

TEST_CASE(
    "the listener hears what a sync pulls and pushes, and a follower takes edits made meanwhile "
    "and stops when the store is closed") {
  County county;
  DeviceProcess laptop = county.enrol_device(0);
  const std::string from_laptop =
      laptop.ok({"note", "add", "--child", "DEMO-0001", "--text", "written on the laptop"});
  laptop.ok({"sync"});

  EventLog log;
  auto tablet = std::make_unique<BridgeStore>(county.dir() / "tablet.db");
  tablet->enrol(county, 0);
  REQUIRE(iro_store_set_listener(tablet->handle(), &EventLog::record, &log, nullptr) == IRO_OK);

  // A plain sync pulls the laptop's note: the listener is told which record.
  const json report = tablet->sync();
  CHECK(report["result"] == "synced");
  CHECK(report["pulled"].get<int>() >= 2);
  const auto pulled = log.of("changed", "pull");
  REQUIRE(!pulled.empty());
  CHECK(names(pulled.front(), from_laptop));
  CHECK(log.of("synced").size() == 1);
  CHECK(tablet->get(from_laptop)["fields"]["note"] == "written on the laptop");

  // A follower on another thread; the handle stays free for the app meanwhile.
  iro_sync_options_t options;
  iro_sync_options_init(&options);
  options.follow_seconds = 120;
  std::promise<std::pair<iro_status_t, std::string>> outcome;
  std::thread follower([&] {
    char* follow_report = nullptr;
    iro_error_t error{};
    const iro_status_t status = iro_sync_run(tablet->handle(), &options, &follow_report, &error);
    outcome.set_value({status, status == IRO_OK ? taken(follow_report) : error.message});
  });
  const auto wait_for = [&](auto condition) {
    for (int i = 0; i < 200 && !condition(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return condition();
  };
  REQUIRE(wait_for([&] { return log.of("synced").size() >= 2; }));  // the follower caught up

  // A second sync on the same handle is refused while the first runs.
  char* refused_report = nullptr;
  iro_error_t busy{};
  CHECK(iro_sync_run(tablet->handle(), nullptr, &refused_report, &busy) == IRO_ERR_STORAGE_BUSY);
  CHECK(busy.transient == 1);

  // An edit made while following is pushed within a second or so.
  const auto edit_started = std::chrono::steady_clock::now();
  const std::string from_tablet = tablet->add_note("DEMO-0001", "written while following");
  CHECK(std::chrono::steady_clock::now() - edit_started < std::chrono::seconds(2));
  CHECK(wait_for([&] {
    for (const json& event : log.of("changed", "push")) {
      if (names(event, from_tablet)) return true;
    }
    return false;
  }));
  // And the laptop's next edit arrives live.
  laptop.ok({"note", "edit", from_laptop, "--text", "edited on the laptop"});
  laptop.ok({"sync"});
  CHECK(wait_for([&] { return pulled.size() < log.of("changed", "pull").size(); }));

  // Closing the store stops the follower promptly; the sync reports it synced.
  const auto closing = std::chrono::steady_clock::now();
  tablet.reset();
  CHECK(std::chrono::steady_clock::now() - closing < std::chrono::seconds(5));
  follower.join();
  const auto [status, follow_report] = outcome.get_future().get();
  REQUIRE_MESSAGE(status == IRO_OK, follow_report);
  CHECK(json::parse(follow_report)["result"] == "synced");
  CHECK(iro_live_handles() == 0);
  CHECK(server_has_note(county, 0, from_tablet, "written while following"));

  // Reopened, the store holds the live edit.
  BridgeStore reopened(county.dir() / "tablet.db");
  CHECK(reopened.get(from_laptop)["fields"]["note"] == "edited on the laptop");
}

TEST_CASE(
    "a revoked device is wiped by iro_sync_run: files deleted, handle closed, listener told") {
  County county;
  EventLog log;
  BridgeStore lost(county.dir() / "lost.db");
  lost.enrol(county, 0);
  lost.sync();
  lost.add_note("DEMO-0001", "written on the tablet that was lost");
  REQUIRE(iro_store_set_listener(lost.handle(), &EventLog::record, &log, nullptr) == IRO_OK);
  REQUIRE(county.server().admin({"revoke", "--device", lost.device_id()}).exit_code == 0);

  const json report = lost.sync();
  CHECK(report["result"] == "wiped");
  CHECK_FALSE(std::filesystem::exists(lost.path()));
  CHECK_FALSE(std::filesystem::exists(lost.path().string() + "-wal"));
  const auto wiped = log.of("wiped");
  REQUIRE(wiped.size() == 1);
  CHECK(wiped.front()["reason"] == report["message"]);
  CHECK(iro_live_handles() == 0);
  uint64_t pending = 0;
  iro_error_t error{};
  CHECK(iro_store_pending_changes(lost.handle(), &pending, &error) == IRO_ERR_MISUSE);
}

TEST_CASE("an unknown code is IRO_ERR_REFUSED, an unreachable server IRO_ERR_NETWORK") {
  County county;
  BridgeStore tablet(county.dir() / "tablet.db");
  iro_error_t error{};
  CHECK(iro_enrol(tablet.handle(), county.server().url().c_str(), "NOT-A-CODE", nullptr, nullptr,
                  &error) == IRO_ERR_REFUSED);
  CHECK(error.transient == 0);
  CHECK(std::string(error.message).starts_with("enrolment refused: "));

  tablet.enrol(county, 0);
  error = {};
  CHECK(iro_enrol(tablet.handle(), county.server().url().c_str(), "ANY", nullptr, nullptr,
                  &error) == IRO_ERR_INVALID_INPUT);
  CHECK(std::string(error.message) == "this device is already enrolled");

  tablet.add_note("DEMO-0001", "waits for the server");
  county.server().stop();
  iro_sync_options_t options;
  iro_sync_options_init(&options);
  options.max_attempts = 1;
  char* report = nullptr;
  error = {};
  CHECK(iro_sync_run(tablet.handle(), &options, &report, &error) == IRO_ERR_NETWORK);
  CHECK(report == nullptr);
  CHECK(error.transient == 1);
  CHECK(std::string(error.message).find("2 changes wait in the outbox") != std::string::npos);
  char* status = nullptr;
  REQUIRE(iro_store_status_json(tablet.handle(), &status, nullptr) == IRO_OK);
  CHECK_FALSE(json::parse(taken(status))["last_sync_error"].is_null());
}

TEST_CASE("a host's own WebSocket carries an enrolment and a sync through the sans-IO sessions") {
  County county;
  EventLog log;
  BridgeStore tablet(county.dir() / "tablet.db");
  REQUIRE(iro_store_set_listener(tablet.handle(), &EventLog::record, &log, nullptr) == IRO_OK);
  const std::string code = BridgeStore::issue_code(county, county.iro(0));

  // Enrolment: one frame each way.
  iro_sync_session_t* session = nullptr;
  std::uint8_t* first = nullptr;
  std::size_t first_length = 0;
  iro_error_t error{};
  REQUIRE_MESSAGE(
      iro_enrol_session_start(tablet.handle(), county.server().url().c_str(), code.c_str(),
                              "host socket", &session, &first, &first_length, &error) == IRO_OK,
      error.message);
  {
    HostSocket socket(county.server().port());
    socket.send(first, first_length);
    iro_free(first);
    converse(socket, session, [](iro_sync_state_t state) { return state != IRO_SYNC_GREETING; });
    socket.close();
  }
  CHECK(state_of(session) == IRO_SYNC_DONE);
  char* report = nullptr;
  REQUIRE(iro_sync_session_report(session, &report, nullptr) == IRO_OK);
  CHECK(json::parse(taken(report))["user_id"] == county.iro(0));
  iro_sync_session_close(session);
  CHECK(iro_live_handles() == 1);

  // A note made offline, then a following sync over the host's socket.
  const std::string offline = tablet.add_note("DEMO-0001", "made offline, sent by the host");
  REQUIRE(iro_sync_session_start(tablet.handle(), IRO_SYNC_FOLLOW, &session, &first, &first_length,
                                 &error) == IRO_OK);
  HostSocket socket(county.server().port());
  socket.send(first, first_length);
  iro_free(first);
  converse(socket, session, [](iro_sync_state_t state) { return state == IRO_SYNC_LIVE; });
  CHECK(server_has_note(county, 0, offline, "made offline, sent by the host"));
  CHECK(log.of("synced").size() == 1);

  // Live: an edit goes out on flush; its acknowledgement comes back.
  const std::string live = tablet.add_note("DEMO-0001", "made while live");
  iro_frames_t* frames = nullptr;
  REQUIRE(iro_sync_session_flush(session, &frames, nullptr) == IRO_OK);
  REQUIRE(frames->count == 1);
  socket.send(frames);
  iro_frames_free(frames);
  const std::size_t pushes = log.of("changed", "push").size();
  converse(socket, session,
           [&](iro_sync_state_t) { return log.of("changed", "push").size() > pushes; });
  CHECK(names(log.of("changed", "push").back(), live));
  CHECK(server_has_note(county, 0, live, "made while live"));
  REQUIRE(iro_sync_session_report(session, &report, nullptr) == IRO_OK);
  const json progress = json::parse(taken(report));
  CHECK(progress["state"] == "live");
  CHECK(progress["pushed"] == 4);
  CHECK(progress["pending"] == 0);
  socket.close();

  // Closing the store under the session leaves the session refusing, not crashing.
  iro_store_close(tablet.handle());
  REQUIRE(iro_sync_session_flush(session, &frames, &error) == IRO_ERR_MISUSE);
  CHECK(std::string(error.message) == "the sync session's store is closed");
  iro_sync_session_close(session);
  CHECK(iro_live_handles() == 0);
}

TEST_CASE(
    "conflicts through the bridge are listed as `iro conflicts --json` lists them, and resolved") {
  County county;
  DeviceProcess laptop = county.enrol_device(0);
  const std::string note = laptop.ok({"note", "add", "--child", "DEMO-0001", "--text",
                                      "She seemd happy and talked about school."});
  laptop.ok({"sync"});
  BridgeStore tablet(county.dir() / "tablet.db");
  tablet.enrol(county, 0);
  tablet.sync();

  // The same word rewritten on both, offline; the tablet's reaches the server first.
  const std::string laptop_words = "She seemed cheerful and talked about school.";
  const std::string tablet_words = "She seemed quiet and talked about school.";
  laptop.ok({"note", "edit", note, "--text", laptop_words});
  iro_error_t error{};
  REQUIRE(iro_document_edit(tablet.handle(), note.c_str(),
                            json({{"note", tablet_words}}).dump().c_str(), &error) == IRO_OK);
  tablet.sync();
  laptop.ok({"sync"});
  tablet.sync();

  char* listed = nullptr;
  REQUIRE(iro_conflict_list(tablet.handle(), &listed, &error) == IRO_OK);
  const json conflicts = json::parse(taken(listed));
  REQUIRE(conflicts.size() == 1);
  const ProcessResult on_laptop = laptop.run({"conflicts", "--json"});
  REQUIRE(lines_of(on_laptop.out).size() == 1);
  CHECK(conflicts[0] == json::parse(lines_of(on_laptop.out)[0]));
  CHECK(conflicts[0]["value"] == laptop_words);
  CHECK(conflicts[0]["current"] == tablet_words);
  const std::string slot = conflicts[0]["id"];

  // Resolved on the tablet by taking the laptop's words: every device agrees.
  EventLog log;
  REQUIRE(iro_store_set_listener(tablet.handle(), &EventLog::record, &log, nullptr) == IRO_OK);
  REQUIRE(iro_conflict_resolve(tablet.handle(), note.c_str(), slot.c_str(), IRO_RESOLVE_TAKE,
                               nullptr, &error) == IRO_OK);
  REQUIRE(log.of("changed", "local").size() == 1);
  CHECK(names(log.of("changed", "local").front(), note));
  REQUIRE(iro_conflict_list(tablet.handle(), &listed, nullptr) == IRO_OK);
  CHECK(taken(listed) == "[]");
  tablet.sync();
  laptop.ok({"sync"});
  CHECK(laptop.run({"conflicts", "--json"}).out.empty());
  CHECK(tablet.get(note)["fields"]["note"] == laptop_words);
  char* exported = nullptr;
  REQUIRE(iro_store_export_json(tablet.handle(), &exported, nullptr) == IRO_OK);
  CHECK(taken(exported) == county.server_export(county.iro(0)));
  CHECK(laptop.export_json() == county.server_export(county.iro(0)));
}
