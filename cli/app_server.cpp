#include "app_server.hpp"

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>

#include "app_routes.hpp"

namespace iro::cli {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// A request's header may be this big, its body (a child's drawing, sent as
// part of an answer) this big; a connection idle this long is closed.
constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;
constexpr std::uint64_t kMaxBodyBytes = 16 * 1024 * 1024;
constexpr std::chrono::seconds kIdle{60};

class AppConnection : public std::enable_shared_from_this<AppConnection> {
 public:
  AppConnection(tcp::socket socket, const AppRoutes& routes)
      : m_stream(std::move(socket)), m_routes(routes) {}

  void read() {
    m_parser.emplace();
    m_parser->header_limit(kMaxHeaderBytes);
    m_parser->body_limit(kMaxBodyBytes);
    m_stream.expires_after(kIdle);
    http::async_read(m_stream, m_buffer, *m_parser,
                     [self = shared_from_this()](beast::error_code error, std::size_t) {
                       self->on_read(error);
                     });
  }

 private:
  void on_read(beast::error_code error) {
    if (error == http::error::header_limit || error == http::error::body_limit) {
      return reply(AppHttpReply{413, "text/plain; charset=utf-8", "too large\n", {}}, false);
    }
    if (error) return;  // closed, timed out, or not HTTP: nothing to answer
    const http::request<http::string_body>& request = m_parser->get();
    const auto header = [&request](http::field field) {
      const auto value = request[field];
      return std::string(value.data(), value.size());
    };
    AppHttpRequest asked{std::string(request.method_string()),
                         std::string(request.target()),
                         header(http::field::host),
                         header(http::field::origin),
                         header(http::field::cookie),
                         header(http::field::content_type),
                         request.body()};
    AppHttpReply answer = m_routes.answer(asked);
    if (request.method() == http::verb::head) answer.body.clear();
    reply(std::move(answer), request.keep_alive());
  }

  void reply(AppHttpReply answer, bool keep_alive) {
    auto response = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(answer.status), 11);
    response->set(http::field::server, "iro-app");
    response->set(http::field::content_type, answer.content_type);
    for (const auto& [name, value] : app_security_headers()) response->set(name, value);
    for (const auto& [name, value] : answer.headers) response->insert(name, value);
    response->keep_alive(keep_alive);
    response->body() = std::move(answer.body);
    response->prepare_payload();
    http::async_write(
        m_stream, *response,
        [self = shared_from_this(), response, keep_alive](beast::error_code error, std::size_t) {
          if (error || !keep_alive) {
            beast::error_code ignored;
            self->m_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
            return;
          }
          self->read();
        });
  }

  beast::tcp_stream m_stream;
  const AppRoutes& m_routes;
  beast::flat_buffer m_buffer;
  std::optional<http::request_parser<http::string_body>> m_parser;
};

void accept_next(tcp::acceptor& acceptor, const AppRoutes& routes) {
  acceptor.async_accept([&acceptor, &routes](beast::error_code error, tcp::socket socket) {
    if (error == net::error::operation_aborted || !acceptor.is_open()) return;
    if (!error) std::make_shared<AppConnection>(std::move(socket), routes)->read();
    accept_next(acceptor, routes);
  });
}

}  // namespace

int serve_app(AppSession& session, const std::filesystem::path& assets, const std::string& secret,
              std::uint16_t port, const std::function<void(std::uint16_t)>& ready) {
  net::io_context ioc(1);
  // Loopback only: the app is for whoever sits at this machine.
  tcp::acceptor acceptor(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  const std::uint16_t bound = acceptor.local_endpoint().port();
  const AppRoutes routes(session, assets, secret, bound);
  accept_next(acceptor, routes);
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) {
    beast::error_code ignored;
    acceptor.close(ignored);
    ioc.stop();
  });
  ready(bound);
  ioc.run();
  return 0;
}

}  // namespace iro::cli
