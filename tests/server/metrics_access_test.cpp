// Who may read /metrics: a scraper with the token when one is set; with
// none set, a scraper on this machine only.
#include "service/http_routes.hpp"

#include <doctest/doctest.h>

#include "server/server_fixture.hpp"

using namespace iro;
using namespace iro::server;
using namespace iro::test;

namespace {

int status_of(const HttpRoutes& routes, std::string peer, std::string authorization = "") {
  HttpRequest request;
  request.method = "GET";
  request.target = "/metrics";
  request.peer = std::move(peer);
  request.authorization = std::move(authorization);
  int status = 0;
  routes.answer(request, [&](HttpReply reply) { status = reply.status; });
  return status;
}

}  // namespace

TEST_CASE("/metrics without a token set answers loopback scrapers only") {
  ServerFixture server;
  Metrics metrics;
  const HttpRoutes routes(*server.store, metrics, server.clock, [] { return 0; });
  CHECK(status_of(routes, "127.0.0.1:5000") == 200);
  CHECK(status_of(routes, "::1:5000") == 200);
  CHECK(status_of(routes, "10.1.2.3:5000") == 403);
  CHECK(status_of(routes, "[2001:db8::1]:443") == 403);
}

TEST_CASE("/metrics with a token set answers its bearer, from anywhere, and no one else") {
  ServerFixture server;
  Metrics metrics;
  const HttpRoutes routes(
      *server.store, metrics, server.clock, [] { return 0; }, nullptr, "scraper-token-0123456789");
  CHECK(status_of(routes, "10.1.2.3:5000", "Bearer scraper-token-0123456789") == 200);
  CHECK(status_of(routes, "127.0.0.1:5000") == 401);
  CHECK(status_of(routes, "10.1.2.3:5000", "Bearer scraper-token-012345678") == 401);
  CHECK(status_of(routes, "10.1.2.3:5000", "scraper-token-0123456789") == 401);
  CHECK(status_of(routes, "10.1.2.3:5000", "Basic c2NyYXBlcg==") == 401);
}
