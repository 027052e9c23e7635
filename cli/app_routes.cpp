#include "app_routes.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>

#include <openssl/crypto.h>

namespace iro::cli {
namespace {

AppHttpReply text_reply(int status, std::string body) {
  return {status, "text/plain; charset=utf-8", std::move(body) + "\n", {}};
}

// Compares secrets in time that does not depend on where they differ.
bool same_secret(std::string_view given, std::string_view secret) {
  return given.size() == secret.size() &&
         CRYPTO_memcmp(given.data(), secret.data(), secret.size()) == 0;
}

// The value of `name` in a list of name=value pairs: a Cookie header ("a=1;
// iro_app=S", separator ';') or a query ("secret=S&x=1", separator '&').
// Empty when absent.
std::string pair_value(std::string_view list, char separator, std::string_view name) {
  while (!list.empty()) {
    const auto end = list.find(separator);
    std::string_view pair = list.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    if (end == std::string_view::npos) break;
    list.remove_prefix(end + 1);
  }
  return {};
}

std::string query_of(std::string_view target) {
  const auto mark = target.find('?');
  return mark == std::string_view::npos ? std::string() : std::string(target.substr(mark + 1));
}

// The app's files by extension; anything else is not served.
const std::map<std::string, std::string, std::less<>>& content_types() {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".json", "application/json"},
  };
  return kTypes;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> app_security_headers() {
  return {
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"Cache-Control", "no-store"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
  };
}

AppRoutes::AppRoutes(AppSession& session, std::filesystem::path assets, std::string secret,
                     std::uint16_t port)
    : m_session(session), m_assets(std::move(assets)), m_secret(std::move(secret)) {
  for (const char* name : {"127.0.0.1", "localhost"}) {
    m_hosts.push_back(std::string(name) + ":" + std::to_string(port));
    m_origins.push_back("http://" + m_hosts.back());
  }
}

bool AppRoutes::from_this_app(const AppHttpRequest& request) const {
  return same_secret(pair_value(request.cookie, ';', kCookie), m_secret);
}

AppHttpReply AppRoutes::answer(const AppHttpRequest& request) const {
  // Another name for this machine (DNS rebinding) or a proxy: not the app.
  if (std::find(m_hosts.begin(), m_hosts.end(), request.host) == m_hosts.end()) {
    return text_reply(421, "this server answers only to its own address");
  }
  if (!request.origin.empty() &&
      std::find(m_origins.begin(), m_origins.end(), request.origin) == m_origins.end()) {
    return text_reply(403, "a request from another site");
  }
  const std::string_view path =
      std::string_view(request.target)
          .substr(0, std::min(request.target.find('?'), request.target.size()));
  if (path == "/launch" && request.method == "GET") return launch(request);
  if (!from_this_app(request)) {
    return text_reply(403, "open the app from the address `iro app` printed");
  }
  if (path == "/api") {
    if (request.method != "POST") return text_reply(405, "POST a JSON request to /api");
    return api(request);
  }
  if (request.method != "GET" && request.method != "HEAD") return text_reply(405, "GET only");
  return file(path == "/" ? "/index.html" : path);
}

AppHttpReply AppRoutes::launch(const AppHttpRequest& request) const {
  if (!same_secret(pair_value(query_of(request.target), '&', "secret"), m_secret)) {
    return text_reply(403, "not this launch's address");
  }
  AppHttpReply reply = text_reply(303, "to the app");
  reply.headers.emplace_back("Location", "/");
  reply.headers.emplace_back(
      "Set-Cookie", std::string(kCookie) + "=" + m_secret + "; Path=/; HttpOnly; SameSite=Strict");
  return reply;
}

AppHttpReply AppRoutes::api(const AppHttpRequest& request) const {
  if (!request.content_type.starts_with("application/json")) {
    return text_reply(415, "/api takes application/json");
  }
  AppApiReply answered = m_session.call(request.body);
  return {answered.http_status, "application/json", std::move(answered.json), {}};
}

AppHttpReply AppRoutes::file(std::string_view path) const {
  // Only plain names below the assets: no "..", no hidden files.
  if (path.size() < 2 || path.find("/.") != std::string_view::npos ||
      path.find('\\') != std::string_view::npos) {
    return text_reply(404, "not found");
  }
  const std::string_view extension = path.substr(std::min(path.rfind('.'), path.size()));
  const auto type = content_types().find(extension);
  if (type == content_types().end()) return text_reply(404, "not found");
  std::ifstream in(m_assets / std::filesystem::path(path.substr(1)), std::ios::binary);
  if (!in) return text_reply(404, "not found");
  return {200,
          type->second,
          std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()),
          {}};
}

}  // namespace iro::cli
