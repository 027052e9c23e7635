#include "service/http_routes.hpp"

#include "service/auth_throttle.hpp"
#include "service/log_line.hpp"
#include "service/peer_address.hpp"
#include "service/secrets.hpp"

#include <spdlog/spdlog.h>

#include <exception>

namespace iro::server {

void HttpRoutes::answer(const HttpRequest& request, const ManagerPages::Reply& reply) const {
  const std::string_view path = request.path();
  if (m_pages && ManagerPages::serves(path)) return m_pages->answer(request, reply);
  if (path != "/healthz" && path != "/metrics") {
    return reply({404, "text/plain; charset=utf-8", "not found\n"});
  }
  if (request.method != "GET" && request.method != "HEAD") {
    return reply({405, "text/plain; charset=utf-8", "only GET and HEAD\n"});
  }
  if (path == "/healthz") return reply(health());
  if (auto refusal = refuse_metrics(request)) return reply(*std::move(refusal));
  reply({200, "text/plain; version=0.0.4; charset=utf-8",
         m_metrics.prometheus_text(m_open_sessions(), m_clock.now_ms())});
}

std::optional<HttpReply> HttpRoutes::refuse_metrics(const HttpRequest& request) const {
  if (m_metrics_token.empty()) {
    // The counters say how busy the service is and who is refused: with no
    // token set, only a scraper on this machine reads them.
    if (is_loopback(AuthThrottle::address_of(request.peer))) return std::nullopt;
    return HttpReply{403, "text/plain; charset=utf-8",
                     "/metrics needs a token (serve --metrics-token-file) from another machine\n"};
  }
  constexpr std::string_view kBearer = "Bearer ";
  const std::string_view given = request.authorization;
  // Compared as digests, so the time taken says nothing of the token.
  if (given.starts_with(kBearer) &&
      sha256_hex(given.substr(kBearer.size())) == sha256_hex(m_metrics_token)) {
    return std::nullopt;
  }
  HttpReply refusal{401, "text/plain; charset=utf-8", "/metrics needs its bearer token\n"};
  refusal.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"iro-server metrics\"");
  return refusal;
}

HttpReply HttpRoutes::health() const {
  try {
    m_store.read([](StoreTxn& txn) { txn.head_seq(); });
    return {200, "text/plain; charset=utf-8", "ok\n"};
  } catch (const std::exception& error) {
    // The reason goes to the log; the probe learns only that it failed.
    spdlog::error("{}", logfmt("health-failed", {{"error", error.what()}}));
    return {503, "text/plain; charset=utf-8", "store unavailable\n"};
  }
}

}  // namespace iro::server
