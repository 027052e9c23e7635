// The operators' endpoints on a real iro-server over TLS, asked the way a
// load balancer's probe or a Prometheus scraper asks: with curl, trusting the
// council's CA. /healthz and /metrics share the devices' port; neither they
// nor the server's log of them carry a child's name or a word of a record.
#include <doctest/doctest.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "e2e/county.hpp"
#include "e2e/curl.hpp"
#include "support/process.hpp"

using namespace iro::test;

namespace {

// The number a metric line of the Prometheus text says, or -1 when absent.
double metric(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

}  // namespace

TEST_CASE("over TLS, /healthz says ok and /metrics counts a device's sync, naming no one") {
  County county(4, County::Transport::tls);
  DeviceProcess tablet = county.enrol_device(0);
  tablet.ok({"note", "add", "--child", "DEMO-0001", "--text", "talked about ultramarine otters"});
  tablet.ok({"sync"});

  const CurlReply health = curl(county, "/healthz");
  CHECK(health.status == 200);
  CHECK(health.body == "ok\n");

  const CurlReply metrics = curl(county, "/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.headers.find("text/plain; version=0.0.4") != std::string::npos);
  CHECK(metric(metrics.body, "iro_changes_total{outcome=\"accepted\"}") >= 1);
  CHECK(metric(metrics.body, "iro_changes_total{outcome=\"refused\"}") == 0);
  CHECK(metric(metrics.body, "iro_merge_conflicts_total") == 0);
  CHECK(metric(metrics.body, "iro_commit_duration_seconds_count") >= 1);
  CHECK(metric(metrics.body, "iro_commit_duration_seconds_bucket{le=\"+Inf\"}") ==
        metric(metrics.body, "iro_commit_duration_seconds_count"));
  CHECK(metric(metrics.body, "iro_sessions_open") ==
        0);  // the tablet has gone; a scrape is no device
  CHECK(metric(metrics.body, "iro_changes_per_second") >= 0);

  // Every request has an id, in its reply and in the server's one log line.
  std::smatch id;
  REQUIRE(std::regex_search(metrics.headers, id, std::regex("X-Request-Id: ([0-9]+-[0-9]+)")));
  const std::string log = county.server().log();
  CHECK(log.find("request_id=" + id[1].str() + " ") != std::string::npos);
  CHECK(log.find("path=/metrics status=200") != std::string::npos);
  // The tablet's session, in logfmt with its connection id and peer.
  const std::regex hello_line(
      "connection=[0-9]+-[0-9]+ peer=127\\.0\\.0\\.1:[0-9]+ event=hello device=" +
      County::device_id_of(tablet) + " ");
  CHECK(std::regex_search(log, hello_line));

  // Counts only: no child, no words, no user.
  for (const std::string& secret :
       {std::string("DEMO-0001"), std::string("ultramarine"), county.iro(0)}) {
    CAPTURE(secret);
    CHECK(metrics.body.find(secret) == std::string::npos);
  }
  CHECK(log.find("ultramarine") == std::string::npos);
}

TEST_CASE(
    "the endpoints refuse other methods, unknown paths and oversized requests, and serve on") {
  County county(2, County::Transport::tls);
  CHECK(curl(county, "/healthz", {"--request", "POST"}).status == 405);
  CHECK(curl(county, "/nothing-here").status == 404);
  const CurlReply head = curl(county, "/healthz", {"--head"});
  CHECK(head.status == 200);
  CHECK(head.headers.find("Content-Length: 0") != std::string::npos);  // no body: a HEAD
  // A header block over 8 KiB, and a body over 8 KiB: refused, not read.
  const CurlReply huge =
      curl(county, "/healthz", {"--header", "X-Padding: " + std::string(9000, 'a')});
  CHECK(huge.status == 431);
  CHECK(curl(county, "/login", {"--data", "x=" + std::string(9000, 'a')}).status == 413);
  // The server still serves, probes and devices alike.
  CHECK(curl(county, "/healthz").status == 200);
  DeviceProcess tablet = county.enrol_device(0);
  tablet.ok({"sync"});
}
