#include "service/manager_pages.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <optional>

#include "iro/date.hpp"
#include "iro/error.hpp"
#include "service/annual_report.hpp"
#include "service/audit.hpp"
#include "service/dashboard.hpp"
#include "service/dashboard_html.hpp"
#include "service/log_line.hpp"
#include "service/web_login.hpp"

namespace iro::server {
namespace {

constexpr const char* kHtml = "text/html; charset=utf-8";
constexpr const char* kText = "text/plain; charset=utf-8";
// The same words whatever failed: no telling which councils, logins or
// roles exist (the audit log says which it was).
constexpr const char* kRefused =
    "Not signed in: the council, login or password is wrong, or this login may not use the "
    "dashboard (it is for managers and administrators).";

HttpReply html(int status, std::string body) {
  return {status, kHtml, std::move(body)};
}

// The store could not be read: the page can be asked for again.
HttpReply read_failed() {
  return {503, kText, "the server could not read its records; try again\n"};
}

// `page` with a Retry-After of `seconds`.
HttpReply retry_after(HttpReply page, std::uint64_t seconds) {
  page.headers.emplace_back("Retry-After", std::to_string(seconds));
  return page;
}

// `page`, for an address the throttle holds back, saying when to return.
HttpReply throttled(HttpReply page, const AuthThrottle::Lockout& lockout) {
  return retry_after(std::move(page), (lockout.retry_after_ms + 999) / 1000);
}

HttpReply login_form(int status, std::string_view council, std::string_view login,
                     std::string_view error) {
  return html(status, login_page(council, login, error));
}

std::string session_cookie(std::string_view token, std::uint64_t max_age_s) {
  return std::string(ManagerPages::kCookie) + "=" + std::string(token) +
         "; Path=/; Max-Age=" + std::to_string(max_age_s) + "; HttpOnly; Secure; SameSite=Strict";
}

std::string session_token(const HttpRequest& request) {
  return cookie_value(request.cookie, ManagerPages::kCookie).value_or("");
}

// A form posted from a page of this server: a browser sends Origin with a
// POST, and it must name the host the request was sent to. (SameSite=Strict
// keeps the cookie off other sites' posts; this also stops another site
// signing a browser in as someone else.)
bool same_origin(const HttpRequest& request) {
  if (request.origin.empty()) return true;  // not a browser's cross-site post
  const auto scheme_end = request.origin.find("://");
  return scheme_end != std::string::npos && request.origin.substr(scheme_end + 3) == request.host;
}

// A form field's value, empty when it was not sent.
std::string form_field(const std::map<std::string, std::string>& form, const char* name) {
  const auto found = form.find(name);
  return found == form.end() ? std::string() : found->second;
}

// 1-366 written as plain digits, or nullopt.
std::optional<int> days_in_range(std::string_view text) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  int days = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    days = days * 10 + (c - '0');
  }
  if (days < 1 || days > 366) return std::nullopt;
  return days;
}

// The last whole financial year (April to March) before `today`: the period
// councils' IRO annual reports cover.
std::pair<Date, Date> last_financial_year(Date today) {
  const int year = today.year();
  const int ends = Date::from_ymd(year, 4, 1) <= today ? year : year - 1;
  return {Date::from_ymd(ends - 1, 4, 1), Date::from_ymd(ends, 3, 31)};
}

}  // namespace

ManagerPages::ManagerPages(ServerStore& store, CommitQueue& commits, Clock& clock,
                           AuthThrottle& throttle)
    : m_store(store), m_commits(commits), m_clock(clock), m_throttle(throttle) {}

bool ManagerPages::serves(std::string_view path) {
  return path == "/" || path == "/login" || path == "/logout" || path == "/dashboard" ||
         path.starts_with("/dashboard/");
}

void ManagerPages::answer(const HttpRequest& request, const Reply& reply) {
  const std::string_view path = request.path();
  const bool get = request.method == "GET" || request.method == "HEAD";
  const bool post = request.method == "POST";
  if (path == "/login" && post) return sign_in(request, reply);
  if (path == "/logout" && post) return sign_out(request, reply);
  if (path == "/dashboard/password" && post) return change_password(request, reply);
  if (!get) return reply({405, kText, "method not allowed\n"});
  if (path == "/") return reply(see_other("/dashboard"));
  if (path == "/login") return reply(login_form(200, "", "", ""));

  std::optional<UserRow> user;
  try {
    const std::string token = session_token(request);
    m_store.read([&](StoreTxn& txn) { user = web_session_user(txn, token, m_clock.now_ms()); });
  } catch (const std::exception& error) {
    spdlog::error("{}", logfmt("web-session-read-failed", {{"error", error.what()}}));
    return reply(read_failed());
  }
  if (!user) return reply(see_other("/login"));
  HttpReply page = page_for(request, *user);
  if (page.status == 200) audit_page_view(request, *user);
  reply(std::move(page));
}

void ManagerPages::audit_page_view(const HttpRequest& request, const UserRow& user) {
  // Who saw the council's records, from where: one entry a page, written in
  // the next group commit; the page does not wait for it.
  AuditRow row = web_audit_row(AuditAction::web_page, user.tenant, user.id, request.peer,
                               AuditOutcome::ok, m_clock.now_ms());
  row.detail = audit_detail(request.path());
  m_commits.submit([row](StoreTxn& txn) { txn.append_audit(row); },
                   [](std::exception_ptr failure) {
                     if (failure) spdlog::error("{}", logfmt("web-page-audit-failed", {}));
                   });
}

HttpReply ManagerPages::page_for(const HttpRequest& request, const UserRow& user) {
  const Date today = local_date_of(m_clock.now_ms());
  const std::string_view path = request.path();
  try {
    if (path == "/dashboard/password") {
      const auto query = parse_form(request.query());
      return html(200, password_page(user.name, "", query.contains("changed")));
    }
    if (path == "/dashboard") {
      DashboardRequest wanted{user.tenant, today, m_clock.now_ms()};
      const auto query = parse_form(request.query());
      for (const auto& [name, days] : {std::pair{"due_days", &wanted.due_within_days},
                                       std::pair{"unseen_days", &wanted.unseen_after_days}}) {
        const auto given = query.find(name);
        if (given == query.end()) continue;
        const std::optional<int> parsed = days_in_range(given->second);
        if (!parsed) return {400, kText, std::string(name) + ": a whole number of days, 1-366\n"};
        *days = *parsed;
      }
      Dashboard board;
      m_store.read([&](StoreTxn& txn) { board = dashboard(txn, wanted); });
      return html(200, dashboard_page(board, wanted, user.name));
    }
    const bool csv = path == "/dashboard/annual-report.csv";
    if (!csv && path != "/dashboard/annual-report") return {404, kText, "not found\n"};
    const auto query = parse_form(request.query());
    auto [from, to] = last_financial_year(today);
    for (const auto& [name, date] : {std::pair{"from", &from}, std::pair{"to", &to}}) {
      const auto given = query.find(name);
      if (given == query.end()) continue;
      const std::optional<Date> parsed = Date::parse(given->second);
      if (!parsed) {
        return {400, kText,
                std::string(name) + ": not a date (expected YYYY-MM-DD, e.g. 2025-04-01)\n"};
      }
      *date = *parsed;
    }
    std::optional<AnnualReport> report;
    m_store.read([&](StoreTxn& txn) { report = annual_report(txn, {user.tenant, from, to}); });
    const std::string period = "from=" + from.to_string() + "&to=" + to.to_string();
    if (!csv) {
      return html(200, annual_report_page(*report, "/dashboard/annual-report.csv?" + period));
    }
    HttpReply download{200, "text/csv; charset=utf-8", annual_report_csv(*report)};
    download.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + user.tenant +
                                                             "-annual-report-" + from.to_string() +
                                                             "-to-" + to.to_string() + ".csv\"");
    return download;
  } catch (const Error& error) {
    if (error.code() == ErrorCode::invalid_input)
      return {400, kText, error.what() + std::string("\n")};
    spdlog::error("{}", logfmt("web-page-failed", {{"error", error.what()}}));
  } catch (const std::exception& error) {
    spdlog::error("{}", logfmt("web-page-failed", {{"error", error.what()}}));
  }
  return read_failed();
}

void ManagerPages::sign_in(const HttpRequest& request, const Reply& reply) {
  if (!same_origin(request)) return reply({403, kText, "a form from another site\n"});
  const auto form = parse_form(request.body);
  const std::string council = form_field(form, "council"), login = form_field(form, "login");
  const std::string address = AuthThrottle::address_of(request.peer);
  // Counted as a failure from now until the check says otherwise, so sign-ins
  // sent together cannot all be checked before the first failure counts.
  if (const auto lockout = m_throttle.begin_attempt(address)) {
    return reply(throttled(login_form(429, council, login, AuthThrottle::refusal_reason(*lockout)),
                           *lockout));
  }
  auto candidate = std::make_shared<std::optional<SignInCandidate>>();
  try {
    m_store.read([&](StoreTxn& txn) { *candidate = find_sign_in(txn, council, login); });
  } catch (const std::exception& error) {
    spdlog::error("{}", logfmt("web-login-read-failed", {{"error", error.what()}}));
    m_throttle.succeeded(address);  // no password was checked
    return reply(read_failed());
  }
  const PasswordRow& stored = *candidate ? (*candidate)->password : decoy_password();
  const bool queued = m_checker.check(
      stored, form_field(form, "password"),
      [this, candidate, council, login, address, peer = request.peer, reply](bool matches) {
        std::string refusal;  // for the audit log only
        if (!*candidate) {
          refusal = "no such login in that council";
        } else if (!matches) {
          refusal = "wrong password";
        } else if (!may_use_dashboard((*candidate)->user)) {
          refusal = "an IRO: the dashboard is for managers and administrators";
        }
        if (refusal.empty()) m_throttle.succeeded(address);
        const std::uint64_t now = m_clock.now_ms();
        auto token = std::make_shared<std::string>();
        m_commits.submit(
            [candidate, refusal, peer, now, token](StoreTxn& txn) {
              const UserRow* user = *candidate ? &(*candidate)->user : nullptr;
              AuditRow row = web_audit_row(
                  AuditAction::web_sign_in, user ? user->tenant : "", user ? user->id : "", peer,
                  refusal.empty() ? AuditOutcome::ok : AuditOutcome::refused, now);
              row.detail =
                  refusal.empty() ? "signed in as " + std::string(to_string(user->role)) : refusal;
              txn.append_audit(row);
              if (refusal.empty()) *token = start_web_session(txn, *user, now);
            },
            [council, login, refusal, token, reply](std::exception_ptr failure) {
              if (failure)
                return reply({503, kText, "the server could not sign you in; try again\n"});
              if (!refusal.empty()) return reply(login_form(401, council, login, kRefused));
              HttpReply welcome = see_other("/dashboard");
              welcome.headers.emplace_back("Set-Cookie",
                                           session_cookie(*token, kWebSessionLifetimeMs / 1000));
              reply(std::move(welcome));
            });
      });
  if (!queued) {
    m_throttle.succeeded(address);  // no password was checked
    reply(retry_after(login_form(503, council, login, "Too many sign-ins at once; try again."), 5));
  }
}

void ManagerPages::sign_out(const HttpRequest& request, const Reply& reply) {
  if (!same_origin(request)) return reply({403, kText, "a form from another site\n"});
  const std::string token = session_token(request);
  const std::uint64_t now = m_clock.now_ms();
  m_commits.submit(
      [token, now, peer = request.peer](StoreTxn& txn) {
        const std::optional<std::string> user_id = end_web_session(txn, token);
        if (!user_id) return;
        const std::optional<UserRow> user = txn.user(*user_id);
        txn.append_audit(web_audit_row(AuditAction::web_sign_out, user ? user->tenant : "",
                                       *user_id, peer, AuditOutcome::ok, now));
      },
      [reply](std::exception_ptr failure) {
        if (failure) return reply({503, kText, "the server could not sign you out; try again\n"});
        HttpReply bye = see_other("/login");
        bye.headers.emplace_back("Set-Cookie", session_cookie("", 0));
        reply(std::move(bye));
      });
}

void ManagerPages::change_password(const HttpRequest& request, const Reply& reply) {
  if (!same_origin(request)) return reply({403, kText, "a form from another site\n"});
  std::optional<UserRow> user;
  std::optional<PasswordRow> current;
  try {
    const std::string token = session_token(request);
    m_store.read([&](StoreTxn& txn) {
      user = web_session_user(txn, token, m_clock.now_ms());
      if (user) current = txn.password_of_user(user->id);
    });
  } catch (const std::exception& error) {
    spdlog::error("{}", logfmt("web-session-read-failed", {{"error", error.what()}}));
    return reply(read_failed());
  }
  if (!user || !current) return reply(see_other("/login"));
  const auto refuse = [&user, &reply](int status, std::string_view why) {
    reply(html(status, password_page(user->name, why)));
  };
  const std::string address = AuthThrottle::address_of(request.peer);
  if (const auto lockout = m_throttle.check(address)) {
    return reply(throttled(
        html(429, password_page(user->name, AuthThrottle::refusal_reason(*lockout))), *lockout));
  }
  const auto form = parse_form(request.body);
  const std::string new_password = form_field(form, "new");
  if (new_password != form_field(form, "again")) {
    return refuse(400, "The two new passwords differ: nothing was changed.");
  }
  if (new_password.size() < kMinPasswordLength || new_password.size() > kMaxPasswordLength) {
    return refuse(400, "A password has " + std::to_string(kMinPasswordLength) + " to " +
                           std::to_string(kMaxPasswordLength) +
                           " characters: nothing was changed.");
  }
  // From here the current password is checked: counted as a failure until it matches.
  if (const auto lockout = m_throttle.begin_attempt(address)) {
    return reply(throttled(
        html(429, password_page(user->name, AuthThrottle::refusal_reason(*lockout))), *lockout));
  }
  // Both hashes (checking the current password, making the new one's) run
  // on the checker's thread, then the write on the committer's.
  const bool queued = m_checker.run([this, user = *user, checked = *current,
                                     current_text = form_field(form, "current"), new_password,
                                     peer = request.peer, reply](bool running) {
    if (!running) return reply({503, kText, "the server is stopping; try again\n"});
    bool matches = false;
    try {
      matches = password_matches(checked, current_text);
    } catch (const std::exception&) {
      matches = false;  // a check that cannot run changes nothing
    }
    finish_password_change(user, checked, matches, new_password, peer, reply);
  });
  if (!queued) {
    m_throttle.succeeded(address);  // no password was checked
    reply(retry_after(html(503, password_page(user->name, "Too many requests at once; try again.")),
                      5));
  }
}

void ManagerPages::finish_password_change(const UserRow& user, const PasswordRow& checked,
                                          bool matches, const std::string& new_password,
                                          const std::string& peer, const Reply& reply) {
  const std::uint64_t now = m_clock.now_ms();
  std::optional<PasswordRow> replacement;
  if (matches) {
    try {
      replacement = hashed_password(checked, new_password, now);
    } catch (const std::exception& error) {
      spdlog::error("{}", logfmt("web-password-hash-failed", {{"error", error.what()}}));
      return reply({503, kText, "the server could not change it; try again\n"});
    }
    m_throttle.succeeded(AuthThrottle::address_of(peer));
  }
  auto token = std::make_shared<std::string>();
  auto refusal = std::make_shared<std::string>(matches ? "" : "wrong current password");
  m_commits.submit(
      [user, checked, replacement, peer, now, token, refusal](StoreTxn& txn) {
        // An administrator may have set a new password since it was
        // checked: the check was against one that no longer holds.
        if (replacement) {
          const std::optional<PasswordRow> stored = txn.password_of_user(user.id);
          if (!stored || stored->hash_hex != checked.hash_hex) {
            *refusal = "the password was changed meanwhile";
          }
        }
        AuditRow row =
            web_audit_row(AuditAction::web_password, user.tenant, user.id, peer,
                          refusal->empty() ? AuditOutcome::ok : AuditOutcome::refused, now);
        row.detail = refusal->empty() ? "changed; every browser session ended" : *refusal;
        txn.append_audit(row);
        if (!refusal->empty()) return;
        put_hashed_password(txn, *replacement);
        *token = start_web_session(txn, user, now);
      },
      [name = user.name, matches, token, refusal, reply](std::exception_ptr failure) {
        if (failure) return reply({503, kText, "the server could not change it; try again\n"});
        if (!matches) {
          return reply(html(401, password_page(name, "The current password is wrong.")));
        }
        if (!refusal->empty()) {
          HttpReply again = see_other("/login");
          again.headers.emplace_back("Set-Cookie", session_cookie("", 0));
          return reply(std::move(again));
        }
        HttpReply done = see_other("/dashboard/password?changed=1");
        done.headers.emplace_back("Set-Cookie",
                                  session_cookie(*token, kWebSessionLifetimeMs / 1000));
        reply(std::move(done));
      });
}

}  // namespace iro::server
