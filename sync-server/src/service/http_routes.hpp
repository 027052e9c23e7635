// What iro-server answers to plain HTTP requests on its port (the same port
// as devices' WebSocket upgrades, over TLS unless --insecure-loopback):
//   GET /healthz   200 "ok" when the store answers a read, 503 otherwise
//                  (for load balancers and orchestrators)
//   GET /metrics   Prometheus text (service/metrics.hpp)
// anything else 404, and methods other than GET and HEAD 405. No Beast here:
// net/websocket_session.cpp reads the request and writes the reply.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "iro/clock.hpp"
#include "service/metrics.hpp"
#include "store/server_store.hpp"

namespace iro::server {

struct HttpReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class HttpRoutes {
 public:
  HttpRoutes(ServerStore& store, const Metrics& metrics, Clock& clock,
             std::function<int()> open_sessions)
      : m_store(store),
        m_metrics(metrics),
        m_clock(clock),
        m_open_sessions(std::move(open_sessions)) {}

  // `target`: the request line's path, with any query.
  HttpReply answer(std::string_view method, std::string_view target) const;

 private:
  HttpReply health() const;

  ServerStore& m_store;
  const Metrics& m_metrics;
  Clock& m_clock;
  std::function<int()> m_open_sessions;
};

}  // namespace iro::server
