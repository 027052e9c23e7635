// Bad input gets a clear refusal and loses nothing already saved.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "e2e/county.hpp"
#include "e2e/device_token.hpp"
#include "e2e/wire_probe.hpp"
#include "store/sqlite.hpp"

using namespace iro;
using namespace iro::test;
using nlohmann::json;

namespace {

// After any refusal the server still serves, and what it held is intact.
void check_still_serving(County& county, DeviceProcess& device, const std::string& before) {
  CHECK(device.run({"sync"}).exit_code == 0);
  CHECK(county.server_export(county.iro(0)) == before);
}

}  // namespace

TEST_CASE("refusals: bad token, malformed, oversized, text, out of order, unknown version") {
  County county;
  DeviceProcess device = county.enrol_device(0);
  device.ok({"note", "add", "--child", "DEMO-0001", "--text", "saved before the attacks"});
  device.ok({"sync"});
  const std::string before = county.server_export(county.iro(0));
  const std::uint16_t port = county.server().port();

  SUBCASE("a bad device token") {
    {
      sqlite::Database raw(device.db());
      raw.execute("UPDATE meta SET value = '" + std::string(64, '0') +
                  "' WHERE key = 'device_token'");
    }
    const ProcessResult sync = device.run({"sync"});
    CHECK(sync.exit_code == 1);
    CHECK(sync.err.find(
              "the server refused this device: this device is not enrolled (unknown token)") !=
          std::string::npos);
    CHECK(county.server_export(county.iro(0)) == before);
  }
  SUBCASE("a good token presented by another device id") {
    const ProbeReply reply =
        probe_server(port, {{encode_message(Hello{"01890a5d-ac96-774b-bcce-b302099a8057",
                                                  token_of(device), 0, "probe"})}});
    REQUIRE(refusal_in(reply) != nullptr);
    CHECK(refusal_in(reply)->code == RefusalCode::bad_token);
    CHECK(refusal_in(reply)->reason == "the token does not belong to this device");
    check_still_serving(county, device, before);
  }
  SUBCASE("a malformed frame") {
    const ProbeReply reply = probe_server(port, {{Bytes{kProtocolVersion, 0x01, 0xEE, 0x00}}});
    REQUIRE(refusal_in(reply) != nullptr);
    CHECK(refusal_in(reply)->code == RefusalCode::malformed);
    CHECK(refusal_in(reply)->reason == "a message is corrupt: unknown message type 238");
    CHECK(reply.closed);
    check_still_serving(county, device, before);
  }
  SUBCASE("a truncated Push after a good Hello") {
    Bytes push = encode_message(Push{{Change{}}});
    push.resize(push.size() / 2);
    const ProbeReply reply = probe_server(
        port, {{encode_message(Hello{County::device_id_of(device), token_of(device), 0, "probe"})},
               {push}});
    REQUIRE(refusal_in(reply) != nullptr);
    CHECK(refusal_in(reply)->code == RefusalCode::malformed);
    CHECK(refusal_in(reply)->reason.starts_with("a message is corrupt"));
    check_still_serving(county, device, before);
  }
  SUBCASE("an oversized frame") {
    const ProbeReply reply = probe_server(port, {{Bytes(kMaxFrameBytes + 1024, 0x01)}});
    CHECK(reply.closed);
    CHECK(reply.close_code == 1009);  // "message too big"
    CHECK(refusal_in(reply) == nullptr);
    check_still_serving(county, device, before);
    // Audited (by then: the sync above ran after the close was handled).
    const ProcessResult audit = county.server().admin({"audit", "--json"});
    CHECK(audit.out.find("a frame over the 4194304-byte limit") != std::string::npos);
  }
  SUBCASE("a text frame") {
    const ProbeReply reply = probe_server(port, {{Bytes{'h', 'i'}, false}});
    REQUIRE(refusal_in(reply) != nullptr);
    CHECK(refusal_in(reply)->reason == "iro-sync speaks binary frames; got text");
    check_still_serving(county, device, before);
  }
  SUBCASE("a Push before Hello") {
    const ProbeReply reply = probe_server(port, {{encode_message(Push{})}});
    REQUIRE(refusal_in(reply) != nullptr);
    CHECK(refusal_in(reply)->reason == "a session starts with Hello or Enrol, not Push");
    check_still_serving(county, device, before);
  }
  SUBCASE("an unknown protocol version") {
    Bytes hello = encode_message(Hello{"x", "y", 0, "from the future"});
    hello[0] = 9;
    const ProbeReply reply = probe_server(port, {{hello}});
    REQUIRE(refusal_in(reply) != nullptr);
    CHECK(refusal_in(reply)->code == RefusalCode::unsupported_version);
    CHECK(refusal_in(reply)->reason ==
          "protocol version 9 is not supported; this server speaks version 1");
    check_still_serving(county, device, before);
  }
}

TEST_CASE("a revoked device is wiped on its next connection") {
  County county;
  DeviceProcess lost = county.enrol_device(0);
  lost.ok({"sync"});
  lost.ok({"note", "add", "--child", "DEMO-0001", "--text", "written on the tablet that was lost"});
  REQUIRE(county.server().admin({"revoke", "--device", County::device_id_of(lost)}).exit_code == 0);
  const ProcessResult sync = lost.run({"sync"});
  CHECK(sync.exit_code == 3);
  CHECK(sync.err.find("this device was revoked") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(lost.db()));
  CHECK_FALSE(std::filesystem::exists(lost.db().string() + "-wal"));
}

TEST_CASE("enrolment codes work once and unknown codes are refused") {
  County county;
  const ProcessResult code = county.server().admin({"enrol", "--user", county.iro(0)});
  const std::string one_time = lines_of(code.out).back();
  DeviceProcess first(IRO_CLI, county.dir() / "first.db");
  first.ok({"enrol", "--server", county.server().url(), "--code", one_time});
  DeviceProcess second(IRO_CLI, county.dir() / "second.db");
  const ProcessResult reused =
      second.run({"enrol", "--server", county.server().url(), "--code", one_time});
  CHECK(reused.exit_code == 1);
  CHECK(reused.err.find("this enrolment code has already been used") != std::string::npos);
  const ProcessResult unknown =
      second.run({"enrol", "--server", county.server().url(), "--code", "AAAA-BBBB-CCCC"});
  CHECK(unknown.err.find("unknown enrolment code") != std::string::npos);
  CHECK(second.run({"sync"}).err.find("this device has not enrolled") != std::string::npos);
}
