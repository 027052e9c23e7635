// What `iro app`'s local web server answers, apart from the network (the
// Beast server is app_server.hpp): the app's files, POST /api answered by
// the session (app_session.hpp: the lock, then iro_app_call), and the checks
// that keep every other program on the machine and every web page out:
//   - a per-launch secret: GET /launch?secret=S (the URL `iro app` prints)
//     sets it as a cookie (HttpOnly, SameSite=Strict); every other request
//     needs that cookie;
//   - the Host header must name this server (127.0.0.1:PORT or
//     localhost:PORT), so a page whose own name resolves to 127.0.0.1 (DNS
//     rebinding) is refused;
//   - a POST's Origin, when sent, must be the app's own, and /api takes only
//     application/json (no form another site could post);
//   - no CORS header, ever; a Content-Security-Policy with no inline script
//     and no other origin.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "app_session.hpp"

namespace iro::cli {

struct AppHttpRequest {
  std::string method;
  std::string target;  // path and query
  std::string host;
  std::string origin;
  std::string cookie;
  std::string content_type;
  std::string body;
};

struct AppHttpReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

class AppRoutes {
 public:
  // `session`: the store and its lock, for the server's life. `assets`: the
  // app's files (index.html, app.css, js/...). `secret`: the launch secret.
  // `port`: where it listens.
  AppRoutes(AppSession& session, std::filesystem::path assets, std::string secret,
            std::uint16_t port);

  AppHttpReply answer(const AppHttpRequest& request) const;

  // The cookie that carries the launch secret.
  static constexpr const char* kCookie = "iro_app";

 private:
  bool from_this_app(const AppHttpRequest& request) const;
  AppHttpReply launch(const AppHttpRequest& request) const;
  AppHttpReply api(const AppHttpRequest& request) const;
  AppHttpReply file(std::string_view path) const;

  AppSession& m_session;
  std::filesystem::path m_assets;
  std::string m_secret;
  std::vector<std::string> m_hosts;    // "127.0.0.1:PORT", "localhost:PORT"
  std::vector<std::string> m_origins;  // "http://" + each host
};

// Headers every reply carries (the CSP and its friends).
std::vector<std::pair<std::string, std::string>> app_security_headers();

}  // namespace iro::cli
