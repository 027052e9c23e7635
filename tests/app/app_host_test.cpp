// `iro app`'s local server as another program or web page on the same
// machine would try it: without the launch secret, under another name (DNS
// rebinding), from another site's page, with a form instead of JSON, or
// reaching for files outside the app. Real processes, asked with curl.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "app/app_process.hpp"
#include "app/demo_stores.hpp"
#include "support/curl_reply.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using namespace iro::test;

namespace {

CurlReply curl(const AppProcess& app, const std::string& path,
               std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {IRO_CURL,        "--silent", "--show-error", "--path-as-is",
                                   "--dump-header", "-",        "--max-time",   "10"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(app.base() + path);
  const ProcessResult run = run_process(argv);
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  return read_curl_reply(run.out);
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("the app answers only this launch, under its own name, to its own pages") {
  TempDir dir;
  AppProcess app(seeded_store(dir, 3), dir.path() / "app.log");
  const std::string cookie = std::string("iro_app=") + app.secret();
  const std::vector<std::string> with_secret = {"--cookie", cookie};
  const std::vector<std::string> json_post = {"--cookie", cookie,
                                              "--header", "Content-Type: application/json",
                                              "--data",   R"({"op": "caseload"})"};

  // Without the secret: nothing, not even the page.
  CHECK(curl(app, "/").status == 403);
  CHECK(curl(app, "/api", {"--header", "Content-Type: application/json", "--data", "{}"}).status ==
        403);
  CHECK(curl(app, "/launch?secret=" + std::string(64, '0')).status == 403);
  CHECK(curl(app, "/", {"--cookie", "iro_app=" + std::string(64, '0')}).status == 403);

  // The printed address sets the secret as a cookie no script can read.
  const CurlReply launched = curl(app, "/launch?secret=" + app.secret());
  CHECK(launched.status == 303);
  CHECK(has(launched.headers, "Set-Cookie: iro_app=" + app.secret()));
  CHECK(has(launched.headers, "HttpOnly"));
  CHECK(has(launched.headers, "SameSite=Strict"));

  const CurlReply page = curl(app, "/", with_secret);
  CHECK(page.status == 200);
  CHECK(has(page.body, "<html"));
  CHECK(has(page.headers, "Content-Security-Policy: default-src 'none'; script-src 'self';"));
  CHECK_FALSE(has(page.headers, "Access-Control"));
  const CurlReply caseload = curl(app, "/api", json_post);
  CHECK(caseload.status == 200);
  CHECK(nlohmann::json::parse(caseload.body)["children"].size() == 3);
  CHECK_FALSE(has(caseload.headers, "Access-Control"));

  // Another name for this machine (a rebinding page's), another site's page,
  // a form instead of JSON, the wrong method.
  std::vector<std::string> rebound = json_post;
  rebound.insert(rebound.end(),
                 {"--header", "Host: iro.attacker.example:" + std::to_string(app.port())});
  CHECK(curl(app, "/api", rebound).status == 421);
  std::vector<std::string> elsewhere = json_post;
  elsewhere.insert(elsewhere.end(), {"--header", "Origin: http://attacker.example"});
  CHECK(curl(app, "/api", elsewhere).status == 403);
  CHECK(curl(app, "/api",
             {"--cookie", cookie, "--data", "op=caseload", "--header",
              "Content-Type: application/x-www-form-urlencoded"})
            .status == 415);
  CHECK(curl(app, "/api", with_secret).status == 405);

  // Files: the app's, and nothing else.
  CHECK(curl(app, "/app.css", with_secret).status == 200);
  CHECK(curl(app, "/js/main.mjs", with_secret).status == 200);
  for (const char* outside : {"/../../../etc/passwd", "/js/../../app.log", "/.files",
                              "/nothing.css", "/js/main.mjs.map", "/%2e%2e/etc/passwd"}) {
    CAPTURE(outside);
    CHECK(curl(app, outside, with_secret).status == 404);
  }

  // A bad request is a JSON error with its reason.
  const CurlReply bad = curl(app, "/api",
                             {"--cookie", cookie, "--header", "Content-Type: application/json",
                              "--data", R"({"op": "dance"})"});
  CHECK(bad.status == 400);
  CHECK(has(nlohmann::json::parse(bad.body)["error"]["message"], "not an app operation"));

  // The secret was printed once, for whoever started the app, and logged nowhere else.
  CHECK(app.stop() == 0);
  const std::string log = app.log();
  const auto first = log.find(app.secret());
  REQUIRE(first != std::string::npos);
  CHECK(log.find(app.secret(), first + 1) == std::string::npos);
}

namespace {

// POST /api with the launch secret; the reply's status and JSON body.
std::pair<int, nlohmann::json> api(const AppProcess& app, const nlohmann::json& request) {
  const CurlReply reply = curl(app, "/api",
                               {"--cookie", std::string("iro_app=") + app.secret(), "--header",
                                "Content-Type: application/json", "--data", request.dump()});
  return {reply.status, nlohmann::json::parse(reply.body)};
}

}  // namespace

TEST_CASE("with a passphrase set, the app starts locked, unlocks with it, locks idle and asked") {
  TempDir dir;
  const auto db = encrypted_store(dir, 3);
  const ProcessResult set = run_process({IRO_CLI, "--db", db.string(), "--key-file",
                                         tablet_key_file(dir).string(), "passphrase", "set"},
                                        std::string(kTabletPassphrase) + "\n");
  REQUIRE_MESSAGE(set.exit_code == 0, set.err);
  // No key file: the passphrase is all the app has.
  AppProcess app(db, dir.path() / "app.log", {"--idle-lock-seconds", "5"});

  CHECK(api(app, {{"op", "app.state"}}).second ==
        nlohmann::json{{"locked", true}, {"has_passphrase", true}, {"letter_pdf", true}});
  const auto [locked_status, locked] = api(app, {{"op", "caseload"}});
  CHECK(locked_status == 403);
  CHECK(locked["error"]["locked"] == true);
  CHECK(api(app, {{"op", "status"}}).first == 403);

  const auto [wrong_status, wrong] =
      api(app, {{"op", "app.unlock"}, {"passphrase", "not the passphrase"}});
  CHECK(wrong_status == 403);
  CHECK(has(wrong["error"]["message"], "not the passphrase"));
  CHECK(api(app, {{"op", "app.unlock"}}).first == 400);
  CHECK(api(app, {{"op", "caseload"}}).first == 403);

  CHECK(api(app, {{"op", "app.unlock"}, {"passphrase", kTabletPassphrase}}).second["locked"] ==
        false);
  const auto [caseload_status, caseload] = api(app, {{"op", "caseload"}});
  CHECK(caseload_status == 200);
  CHECK(caseload["children"].size() == 3);
  // The host's PDF of a letter: refused with the store's reason for a bad request.
  CHECK(api(app, {{"op", "letter.pdf"}}).first == 400);
  CHECK(has(api(app, {{"op", "letter.pdf"}, {"id", "nothing"}}).second["error"]["message"],
            "no letter"));

  // The status bar's timer keeps nobody's session alive: untouched for
  // longer than the idle time, the app locks itself.
  for (int second = 0; second < 3; ++second) {
    CHECK(api(app, {{"op", "status"}}).first == 200);
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  std::this_thread::sleep_for(std::chrono::seconds(3));
  CHECK(api(app, {{"op", "caseload"}}).second["error"]["locked"] == true);
  CHECK(api(app, {{"op", "app.state"}}).second["locked"] == true);

  // Touches keep it open; "Lock" closes it at once.
  CHECK(api(app, {{"op", "app.unlock"}, {"passphrase", kTabletPassphrase}}).first == 200);
  for (int touch = 0; touch < 4; ++touch) {
    std::this_thread::sleep_for(std::chrono::seconds(2));
    CHECK(api(app, {{"op", "app.touch"}}).first == 200);
  }
  CHECK(api(app, {{"op", "caseload"}}).first == 200);
  CHECK(api(app, {{"op", "app.lock"}}).second["locked"] == true);
  CHECK(api(app, {{"op", "caseload"}}).first == 403);
  CHECK(app.stop() == 0);
  CHECK_FALSE(has(app.log(), kTabletPassphrase));
}
