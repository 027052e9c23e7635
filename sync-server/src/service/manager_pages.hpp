// The managers' web pages, on the devices' port over TLS:
//   GET  /                        to the dashboard
//   GET  /login                   the sign-in form (council, login, password)
//   POST /login                   signs in: a session cookie and 303 to /dashboard
//   POST /logout                  ends the session: 303 to /login
//   GET  /dashboard[?due_days=N&unseen_days=N]  the council's dashboard
//                                 (service/dashboard.hpp): reviews due within N
//                                 days (28), devices flagged after N days unseen (7)
//   GET  /dashboard/annual-report?from=D&to=D      the annual report's tables
//   GET  /dashboard/annual-report.csv?from=D&to=D  the same as CSV, as a download
//   GET  /dashboard/password      the form to change one's own password
//   POST /dashboard/password      changes it (the current one checked first): every
//                                 other browser of the user is signed out, this one
//                                 gets a new session; 303 to the form, which says so
// Everything under /dashboard needs a manager's or an administrator's
// session (service/web_login.hpp) and shows their own council only; without
// one it is 303 to /login. Failed sign-ins, and wrong current passwords,
// count against the address (AuthThrottle): after a few a minute, it waits. A form posted from
// another site is refused (its Origin must be this server's), and the cookie is HttpOnly, Secure
// and SameSite=Strict.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "iro/clock.hpp"
#include "service/auth_throttle.hpp"
#include "service/http_message.hpp"
#include "service/password_checker.hpp"
#include "store/commit_queue.hpp"
#include "store/server_store.hpp"

namespace iro::server {

class ManagerPages {
 public:
  // May run on any thread (a sign-in's ends on the committer's).
  using Reply = std::function<void(HttpReply)>;

  ManagerPages(ServerStore& store, CommitQueue& commits, Clock& clock, AuthThrottle& throttle);

  // Whether `path` is one of the pages'.
  static bool serves(std::string_view path);

  void answer(const HttpRequest& request, const Reply& reply);

  // Answers sign-ins still being checked (refused), before the commit
  // queue stops.
  void stop() { m_checker.stop(); }

  static constexpr std::string_view kCookie = "iro_session";

 private:
  void sign_in(const HttpRequest& request, const Reply& reply);
  void sign_out(const HttpRequest& request, const Reply& reply);
  void change_password(const HttpRequest& request, const Reply& reply);
  // After the current password was checked: stores the new one (or audits
  // the refusal) and answers.
  void finish_password_change(const UserRow& user, const PasswordRow& checked, bool matches,
                              const std::string& new_password, const std::string& peer,
                              const Reply& reply);
  HttpReply page_for(const HttpRequest& request, const UserRow& user);
  void audit_page_view(const HttpRequest& request, const UserRow& user);

  ServerStore& m_store;
  CommitQueue& m_commits;
  Clock& m_clock;
  AuthThrottle& m_throttle;
  PasswordChecker m_checker;
};

}  // namespace iro::server
