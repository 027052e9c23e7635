// What iro-server answers to plain HTTP requests on its port (the same port
// as devices' WebSocket upgrades, over TLS unless --insecure-loopback):
//   GET /healthz   200 "ok" when the store answers a read, 503 otherwise
//                  (for load balancers and orchestrators)
//   GET /metrics   Prometheus text (service/metrics.hpp), to a request with
//                  "Authorization: Bearer TOKEN" (serve --metrics-token-file);
//                  with no token set, to loopback addresses only
//   the managers' pages (service/manager_pages.hpp), when given
// anything else 404, and methods other than GET and HEAD 405. No Beast here:
// net/websocket_session.cpp reads the request and writes the reply.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "iro/clock.hpp"
#include "service/http_message.hpp"
#include "service/manager_pages.hpp"
#include "service/metrics.hpp"
#include "store/server_store.hpp"

namespace iro::server {

class HttpRoutes {
 public:
  // `pages`: null when the server serves no web pages.
  // `metrics_token`: what a scraper of /metrics presents (empty: only
  // loopback addresses may scrape).
  HttpRoutes(ServerStore& store, const Metrics& metrics, Clock& clock,
             std::function<int()> open_sessions, ManagerPages* pages = nullptr,
             std::string metrics_token = {})
      : m_store(store),
        m_metrics(metrics),
        m_clock(clock),
        m_open_sessions(std::move(open_sessions)),
        m_pages(pages),
        m_metrics_token(std::move(metrics_token)) {}

  // Calls `reply` once, on this thread or (a sign-in) on another.
  void answer(const HttpRequest& request, const ManagerPages::Reply& reply) const;

 private:
  HttpReply health() const;
  // Why this request may not read /metrics (empty when it may).
  std::optional<HttpReply> refuse_metrics(const HttpRequest& request) const;

  ServerStore& m_store;
  const Metrics& m_metrics;
  Clock& m_clock;
  std::function<int()> m_open_sessions;
  ManagerPages* m_pages;
  std::string m_metrics_token;
};

}  // namespace iro::server
