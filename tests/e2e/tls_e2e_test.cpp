// TLS between devices and a real iro-server on 127.0.0.1: the device
// verifies the server's certificate (its CA and its host), keeps the CA it
// enrolled with, and refuses every server it cannot trust before sending a
// byte of its own; the server refuses plaintext, and refuses to start
// without TLS except on loopback with --insecure-loopback.
#include <doctest/doctest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "e2e/county.hpp"
#include "support/cli_checks.hpp"
#include "support/test_certificates.hpp"
#include "support/text_checks.hpp"

using namespace iro::test;

namespace {

// A code for IRO 0 and a fresh device store, not enrolled.
struct Newcomer {
  std::string code;
  DeviceProcess device;
};

Newcomer newcomer(County& county, const std::string& name) {
  const ProcessResult code = county.server().admin({"enrol", "--user", county.iro(0)});
  REQUIRE(code.exit_code == 0);
  return {lines_of(code.out).back(), DeviceProcess(IRO_CLI, county.dir() / (name + ".db"))};
}

std::string url_for_host(County& county, const std::string& host) {
  return "wss://" + host + ":" + std::to_string(county.server().port());
}

}  // namespace

TEST_CASE("over TLS a device enrols with the council's CA, syncs, and trusts that CA alone") {
  County county(4, County::Transport::tls);
  CHECK(contains(county.server().url(), "wss://"));
  DeviceProcess tablet = county.enrol_device(0);
  const std::string note =
      tablet.ok({"note", "add", "--child", "DEMO-0001", "--text", "Seen at school over TLS"});
  tablet.ok({"sync"});  // no --ca-cert: the CA kept at enrolment
  CHECK(contains(county.server_export(county.iro(0)), "Seen at school over TLS"));
  CHECK(contains(county.server_export(county.iro(0)), note));

  // The IRO's second device, by host name this time, receives it.
  DeviceProcess laptop = county.enrol_device(0);
  laptop.ok({"sync"});
  CHECK(contains(laptop.export_json(), "Seen at school over TLS"));

  SUBCASE("another CA given for one sync is used instead, and fails") {
    const ProcessResult sync = tablet.run({"sync", "--ca-cert", county.certificates().other_ca});
    check_refused(sync, 1, "cannot trust the server at 127.0.0.1:");
    CHECK(contains(sync.err, "certificate failed verification"));
    // Nothing was lost: the next ordinary sync works.
    tablet.ok({"note", "edit", note, "--text", "Seen at school over TLS, twice"});
    tablet.ok({"sync"});
    CHECK(contains(county.server_export(county.iro(0)), "twice"));
  }
  SUBCASE("a CA file that is not a certificate is refused before connecting") {
    const ProcessResult sync = tablet.run({"sync", "--ca-cert", county.certificates().server_key});
    check_refused(sync, 1, "not a readable PEM certificate file");
  }
}

TEST_CASE("a device refuses a server it cannot verify, and its code stays unused") {
  County county(2, County::Transport::tls);
  const TestCertificates& certificates = county.certificates();
  Newcomer tablet = newcomer(county, "tablet");
  const auto enrol = [&](const std::string& url, const std::string& ca) {
    std::vector<std::string> args = {"enrol", "--server", url, "--code", tablet.code};
    if (!ca.empty()) args.insert(args.end(), {"--ca-cert", ca});
    return tablet.device.run(args);
  };

  SUBCASE("the system's roots do not include the council's CA") {
    const ProcessResult refused = enrol(county.server().url(), "");
    check_refused(refused, 1, "certificate failed verification (unable to get local issuer");
  }
  SUBCASE("a CA that did not sign the server's certificate") {
    check_refused(enrol(county.server().url(), certificates.other_ca), 1,
                  "certificate failed verification");
  }
  SUBCASE("the right CA, but a host name the certificate is not for") {
    // The county's certificate names both ways to reach it here, so a
    // server with a certificate for another host is started instead.
    ServerProcess elsewhere(IRO_SERVER, county.dir() / "elsewhere", 0,
                            tls_flags(certificates.wrong_host_cert, certificates.wrong_host_key));
    check_refused(enrol(elsewhere.url(), certificates.ca), 1, "certificate failed verification");
  }
  SUBCASE("a self-signed server certificate") {
    ServerProcess self_signed(
        IRO_SERVER, county.dir() / "self-signed", 0,
        tls_flags(certificates.self_signed_cert, certificates.self_signed_key));
    check_refused(enrol(self_signed.url(), certificates.ca), 1, "certificate failed verification");
  }
  SUBCASE("plain ws:// to the TLS server") {
    const ProcessResult refused =
        enrol("ws://127.0.0.1:" + std::to_string(county.server().port()), "");
    check_refused(refused, 1, "iro-server requires TLS: connect with wss://");
    CHECK(contains(refused.err, "HTTP 426"));
    // Audited (committed just before the answer went out; allow it a moment).
    bool audited = false;
    for (int attempt = 0; attempt < 50 && !audited; ++attempt) {
      const ProcessResult audit = county.server().admin({"audit", "--json"});
      audited = contains(audit.out, "plaintext to a TLS server");
      if (!audited) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(audited);
  }
  // Whatever was refused, the device never handed over its code: it still enrols.
  tablet.device.ok({"enrol", "--server", url_for_host(county, "localhost"), "--code", tablet.code,
                    "--ca-cert", certificates.ca});
  CHECK(contains(tablet.device.ok({"status", "--json"}), "\"server\":\"wss://localhost:"));
}

TEST_CASE("a wss:// device to a plaintext server is told the server has no TLS") {
  County county(2);  // --insecure-loopback
  Newcomer tablet = newcomer(county, "tablet");
  const TestCertificates certificates = make_test_certificates(county.dir() / "tls");
  const ProcessResult refused =
      tablet.device.run({"enrol", "--server", url_for_host(county, "127.0.0.1"), "--code",
                         tablet.code, "--ca-cert", certificates.ca});
  check_refused(refused, 1, "is the server running without TLS?");
}

TEST_CASE("iro-server serve refuses plaintext off loopback and broken TLS settings") {
  TempDir dir;
  const TestCertificates certificates = make_test_certificates(dir / "tls");
  const auto serve = [&](std::vector<std::string> flags) {
    std::vector<std::string> args = {IRO_SERVER, "serve", "--data", (dir / "data").string()};
    args.insert(args.end(), flags.begin(), flags.end());
    return run_process(args, "", std::chrono::seconds(10));
  };
  const std::string cert = certificates.server_cert.string();
  const std::string key = certificates.server_key.string();

  check_refused(serve({"--listen", "127.0.0.1:0"}), 2, "give --tls-cert and --tls-key");
  check_refused(serve({"--listen", "0.0.0.0:0", "--insecure-loopback"}), 2,
                "only allowed on a loopback address, not 0.0.0.0");
  check_refused(serve({"--listen", "127.0.0.1:0", "--tls-cert", cert}), 2,
                "TLS needs both --tls-cert and --tls-key");
  check_refused(serve({"--listen", "127.0.0.1:0", "--insecure-loopback", "--tls-cert", cert,
                       "--tls-key", key}),
                2, "not both");
  check_refused(serve({"--listen", "127.0.0.1:0", "--tls-cert", (dir / "missing.pem").string(),
                       "--tls-key", key}),
                1, "missing.pem: no such file");
  check_refused(serve({"--listen", "127.0.0.1:0", "--tls-cert", key, "--tls-key", key}), 1,
                "is not a PEM certificate chain");
  check_refused(serve({"--listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key",
                       certificates.wrong_host_key.string()}),
                1, "does not match the certificate");
}
