#include "service/http_routes.hpp"
#include "service/log_line.hpp"

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
  reply({200, "text/plain; version=0.0.4; charset=utf-8",
         m_metrics.prometheus_text(m_open_sessions(), m_clock.now_ms())});
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
