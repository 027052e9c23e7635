// The managers' web pages on a real iro-server over TLS, asked with curl as
// a browser would (tests/browser/ drives a real Chromium through the same
// pages): signing in and out, the cookie's protections, the council's
// dashboard and annual report behind the sign-in, and every way a sign-in is
// refused, with nothing a refused attempt could learn or leave behind.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "e2e/county.hpp"
#include "e2e/curl.hpp"
#include "support/process.hpp"

using namespace iro::test;

namespace {

// The form a browser posts; `origin` as a browser sends it with a POST.
std::vector<std::string> sign_in_form(const std::string& council, const std::string& login,
                                      const std::string& password, const std::string& origin = "") {
  std::vector<std::string> form = {"--data-urlencode", "council=" + council,
                                   "--data-urlencode", "login=" + login,
                                   "--data-urlencode", "password=" + password};
  if (!origin.empty()) form.insert(form.end(), {"--header", "Origin: " + origin});
  return form;
}

// The session token in a reply's Set-Cookie, or empty.
std::string session_token(const CurlReply& reply) {
  const std::string cookie = reply.header("Set-Cookie");
  const std::string prefix = "iro_session=";
  if (!cookie.starts_with(prefix)) return "";
  return cookie.substr(prefix.size(), cookie.find(';') - prefix.size());
}

std::vector<std::string> with_session(const std::string& token) {
  return {"--cookie", "iro_session=" + token};
}

// Adds a user and gives them a web password; returns the user id.
std::string user_with_password(County& county, const std::string& tenant, const std::string& role,
                               const std::string& login, const std::string& password) {
  const ProcessResult added = county.server().admin(
      {"add-user", "--tenant", tenant, "--name", "Val Test-Iro", "--role", role});
  REQUIRE_MESSAGE(added.exit_code == 0, added.err);
  const std::string id = lines_of(added.out).back();
  const ProcessResult set =
      county.server().admin({"set-password", "--user", id, "--login", login}, password + "\n");
  REQUIRE_MESSAGE(set.exit_code == 0, set.err);
  return id;
}

}  // namespace

TEST_CASE("a manager signs in over TLS, sees the council's dashboard and report, and signs out") {
  County county(6, County::Transport::tls);
  DeviceProcess tablet = county.enrol_device(0);
  tablet.ok({"sync"});
  REQUIRE(county.manager_password().size() >= 12);

  const CurlReply anonymous = curl(county, "/dashboard");
  CHECK(anonymous.status == 303);
  CHECK(anonymous.header("Location") == "/login");
  const CurlReply form = curl(county, "/login");
  CHECK(form.status == 200);
  CHECK(form.body.find("name=\"password\"") != std::string::npos);

  // Posted as a browser posts it from the form: with this server as its Origin.
  const std::string origin = "https://127.0.0.1:" + std::to_string(county.server().port());
  const CurlReply signed_in =
      curl(county, "/login",
           sign_in_form("demo-county", "Pat.Manager", county.manager_password(), origin));
  CHECK(signed_in.status == 303);
  CHECK(signed_in.header("Location") == "/dashboard");
  const std::string cookie = signed_in.header("Set-Cookie");
  for (const char* flag : {"HttpOnly", "Secure", "SameSite=Strict", "Path=/"}) {
    CAPTURE(flag);
    CHECK(cookie.find(flag) != std::string::npos);
  }
  const std::string token = session_token(signed_in);
  REQUIRE(token.size() == 64);

  const CurlReply board = curl(county, "/dashboard", with_session(token));
  CHECK(board.status == 200);
  CHECK(board.header("Content-Type") == "text/html; charset=utf-8");
  CHECK(board.header("Content-Security-Policy").find("default-src 'none'") != std::string::npos);
  CHECK(board.body.find("Pat Demo-Manager") != std::string::npos);
  for (const char* section : {"caseloads", "reviews", "visits", "letters", "challenges"}) {
    CAPTURE(section);
    CHECK(board.body.find(std::string("<section id=\"") + section + "\"") != std::string::npos);
  }
  CHECK(board.body.find(County::device_id_of(tablet)) != std::string::npos);  // device health
  CHECK(board.body.find("flagged after 7 days unseen") != std::string::npos);

  // The windows are the manager's to choose, within reason.
  const CurlReply wider = curl(county, "/dashboard?due_days=90&unseen_days=1", with_session(token));
  CHECK(wider.status == 200);
  CHECK(wider.body.find("due within 90 days") != std::string::npos);
  CHECK(wider.body.find("flagged after 1 days unseen") != std::string::npos);
  for (const char* bad :
       {"unseen_days=0", "due_days=367", "due_days=abc", "due_days=", "unseen_days=-1"}) {
    CAPTURE(bad);
    CHECK(curl(county, std::string("/dashboard?") + bad, with_session(token)).status == 400);
  }

  // The report's CSV is what the administrator's command prints for the period.
  const CurlReply csv = curl(county, "/dashboard/annual-report.csv?from=2025-04-01&to=2026-03-31",
                             with_session(token));
  CHECK(csv.status == 200);
  CHECK(csv.header("Content-Type") == "text/csv; charset=utf-8");
  CHECK(csv.header("Content-Disposition").starts_with("attachment; filename="));
  const ProcessResult admin = county.server().admin(
      {"annual-report", "--tenant", "demo-county", "--from", "2025-04-01", "--to", "2026-03-31"});
  REQUIRE(admin.exit_code == 0);
  CHECK(csv.body == admin.out);
  CHECK(curl(county, "/dashboard/annual-report?from=2025-04-01", with_session(token)).status ==
        200);
  const CurlReply bad_date =
      curl(county, "/dashboard/annual-report?from=2025-02-30", with_session(token));
  CHECK(bad_date.status == 400);
  CHECK(bad_date.body.find("not a date") != std::string::npos);
  CHECK(curl(county, "/dashboard/nothing", with_session(token)).status == 404);

  // Signed out: the cookie is cleared, and the old token opens nothing.
  const CurlReply out =
      curl(county, "/logout", {"--request", "POST", "--cookie", "iro_session=" + token});
  CHECK(out.status == 303);
  CHECK(out.header("Location") == "/login");
  CHECK(out.header("Set-Cookie").starts_with("iro_session=;"));
  CHECK(curl(county, "/dashboard", with_session(token)).status == 303);

  // Neither the log nor the audit log holds the password or the token.
  const std::string log = county.server().log();
  CHECK(log.find(county.manager_password()) == std::string::npos);
  CHECK(log.find(token) == std::string::npos);
  const ProcessResult audit = county.server().admin({"audit", "--tenant", "demo-county"});
  CHECK(audit.out.find("web-sign-in") != std::string::npos);
  CHECK(audit.out.find("web-sign-out") != std::string::npos);
  CHECK(audit.out.find("web-page") != std::string::npos);
  CHECK(audit.out.find("/dashboard/annual-report.csv") != std::string::npos);
  CHECK(audit.out.find(county.manager_password()) == std::string::npos);
  CHECK(audit.out.find(token) == std::string::npos);
}

TEST_CASE("sign-in is refused to a wrong password, an IRO, another council and another site") {
  County county(2, County::Transport::tls);
  REQUIRE(county.server().admin({"add-tenant", "vale"}).exit_code == 0);
  const std::string password = "correct horse battery";
  user_with_password(county, "vale", "iro", "val.iro", password);
  user_with_password(county, "demo-county", "iro", "ann.iro", password);

  const auto refused = [&](const std::vector<std::string>& form) {
    const CurlReply reply = curl(county, "/login", form);
    CHECK(reply.status == 401);
    CHECK(reply.body.find("id=\"login-error\"") != std::string::npos);
    CHECK(reply.header("Set-Cookie").empty());
    return reply;
  };
  refused(sign_in_form("demo-county", "pat.manager", "not the password at all"));
  refused(sign_in_form("demo-county", "ann.iro", password));  // an IRO of this council
  refused(sign_in_form("vale", "val.iro", password));         // an IRO of another council
  // Another council's login does not exist here; the answer is the same words.
  const CurlReply elsewhere = refused(sign_in_form("demo-county", "val.iro", password));
  CHECK(elsewhere.body.find("the council, login or password is wrong") != std::string::npos);

  // A form posted from another site is refused before it is read.
  const CurlReply cross_site =
      curl(county, "/login",
           sign_in_form("demo-county", "pat.manager", county.manager_password(),
                        "https://elsewhere.example"));
  CHECK(cross_site.status == 403);
  CHECK(cross_site.header("Set-Cookie").empty());
  // As is one from a page that hides where it is ("Origin: null").
  CHECK(curl(county, "/login",
             sign_in_form("demo-county", "pat.manager", county.manager_password(), "null"))
            .status == 403);

  // Five failures from this address within a minute: even the right
  // password now waits, and is told for how long.
  refused(sign_in_form("demo-county", "pat.manager", "another wrong guess"));
  const CurlReply waiting =
      curl(county, "/login", sign_in_form("demo-county", "pat.manager", county.manager_password()));
  CHECK(waiting.status == 429);
  CHECK(!waiting.header("Retry-After").empty());
  CHECK(waiting.header("Set-Cookie").empty());

  // The audit log says why each was refused; devices sync on regardless.
  const ProcessResult audit = county.server().admin({"audit"});
  CHECK(audit.out.find("wrong password") != std::string::npos);
  CHECK(audit.out.find("an IRO: the dashboard is for managers") != std::string::npos);
  CHECK(audit.out.find("no such login in that council") != std::string::npos);
  DeviceProcess tablet = county.enrol_device(0);
  tablet.ok({"sync"});
}

TEST_CASE("set-password refuses a short password, a bad login, a taken login and an unknown user") {
  County county(1);
  const auto set = [&](const std::string& user, const std::string& login,
                       const std::string& password) {
    return county.server().admin({"set-password", "--user", user, "--login", login},
                                 password + "\n");
  };
  const ProcessResult short_one = set(county.iro(0), "ann.iro", "too short");
  CHECK(short_one.exit_code != 0);
  CHECK(short_one.err.find("12 to 256 characters") != std::string::npos);
  CHECK(set(county.iro(0), "ann iro", "long enough password").exit_code != 0);
  const ProcessResult taken = set(county.iro(0), "pat.manager", "long enough password");
  CHECK(taken.exit_code != 0);
  CHECK(taken.err.find("another user's") != std::string::npos);
  CHECK(set("01890000-0000-7000-8000-0000000000ff", "nobody", "long enough password").exit_code !=
        0);
  const ProcessResult no_input =
      county.server().admin({"set-password", "--user", county.iro(0), "--login", "ann.iro"});
  CHECK(no_input.exit_code != 0);
  CHECK(no_input.err.find("no password on standard input") != std::string::npos);
  const ProcessResult fine = set(county.iro(0), "Ann.Iro", "long enough password");
  CHECK(fine.exit_code == 0);
  CHECK(fine.out.find("password set for ann.iro (demo-county)") != std::string::npos);
}

namespace {

// The change-password form as a browser posts it from this server's page.
std::vector<std::string> password_form(County& county, const std::string& token,
                                       const std::string& current, const std::string& next,
                                       const std::string& again) {
  const std::string origin = "https://127.0.0.1:" + std::to_string(county.server().port());
  return {"--cookie",         "iro_session=" + token, "--header",         "Origin: " + origin,
          "--data-urlencode", "current=" + current,   "--data-urlencode", "new=" + next,
          "--data-urlencode", "again=" + again};
}

std::string signed_in_token(County& county, const std::string& password) {
  const CurlReply reply =
      curl(county, "/login", sign_in_form("demo-county", "pat.manager", password));
  REQUIRE(reply.status == 303);
  return session_token(reply);
}

}  // namespace

TEST_CASE("a manager changes their own password: the old one and other browsers stop working") {
  County county(2, County::Transport::tls);
  const std::string old_password = county.manager_password();
  const std::string token = signed_in_token(county, old_password);
  const std::string other_browser = signed_in_token(county, old_password);
  const std::string next = "a new and longer passphrase";

  const CurlReply form = curl(county, "/dashboard/password", with_session(token));
  CHECK(form.status == 200);
  CHECK(form.body.find("autocomplete=\"new-password\"") != std::string::npos);
  CHECK(curl(county, "/dashboard", with_session(token)).body.find("/dashboard/password") !=
        std::string::npos);
  CHECK(curl(county, "/dashboard/password").status == 303);  // not signed in
  // A pair that does not decode is left out: no word of a change.
  const CurlReply garbled = curl(county, "/dashboard/password?changed=%zz", with_session(token));
  CHECK(garbled.status == 200);
  CHECK(garbled.body.find("Your password is changed.") == std::string::npos);

  // Each refusal changes nothing: the old password still signs in.
  const CurlReply differ = curl(county, "/dashboard/password",
                                password_form(county, token, old_password, next, next + "!"));
  CHECK(differ.status == 400);
  CHECK(differ.body.find("differ") != std::string::npos);
  const CurlReply short_one = curl(county, "/dashboard/password",
                                   password_form(county, token, old_password, "short", "short"));
  CHECK(short_one.status == 400);
  CHECK(short_one.body.find("12 to 256 characters") != std::string::npos);
  const CurlReply wrong = curl(county, "/dashboard/password",
                               password_form(county, token, "not the password", next, next));
  CHECK(wrong.status == 401);
  CHECK(wrong.body.find("current password is wrong") != std::string::npos);
  std::vector<std::string> cross_site = password_form(county, token, old_password, next, next);
  cross_site[3] = "Origin: https://evil.example";
  CHECK(curl(county, "/dashboard/password", cross_site).status == 403);
  CHECK(curl(county, "/dashboard/password",
             password_form(county, "no-such-session", old_password, next, next))
            .status == 303);
  CHECK(curl(county, "/dashboard", with_session(token)).status == 200);
  CHECK(curl(county, "/dashboard", with_session(other_browser)).status == 200);

  // Changed: this browser gets a new session, every other browser is signed out.
  const CurlReply changed =
      curl(county, "/dashboard/password", password_form(county, token, old_password, next, next));
  CHECK(changed.status == 303);
  CHECK(changed.header("Location") == "/dashboard/password?changed=1");
  const std::string renewed = session_token(changed);
  REQUIRE(renewed.size() == 64);
  CHECK(renewed != token);
  CHECK(curl(county, "/dashboard/password?changed=1", with_session(renewed))
            .body.find("Your password is changed.") != std::string::npos);
  CHECK(curl(county, "/dashboard", with_session(renewed)).status == 200);
  CHECK(curl(county, "/dashboard", with_session(token)).status == 303);
  CHECK(curl(county, "/dashboard", with_session(other_browser)).status == 303);
  CHECK(curl(county, "/login", sign_in_form("demo-county", "pat.manager", old_password)).status ==
        401);
  CHECK(curl(county, "/login", sign_in_form("demo-county", "pat.manager", next)).status == 303);

  // The audit log says who changed it and who failed to; it holds no password.
  const ProcessResult audit = county.server().admin({"audit", "--tenant", "demo-county"});
  REQUIRE(audit.exit_code == 0);
  CHECK(audit.out.find("web-password") != std::string::npos);
  CHECK(audit.out.find("wrong current password") != std::string::npos);
  CHECK(audit.out.find("changed; every browser session ended") != std::string::npos);
  for (const std::string& secret : {old_password, next}) {
    CHECK(audit.out.find(secret) == std::string::npos);
    CHECK(county.server().log().find(secret) == std::string::npos);
  }
}
