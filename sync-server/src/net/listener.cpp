#include "net/listener.hpp"

#include <spdlog/spdlog.h>

#include "net/connection_detector.hpp"
#include "service/log_line.hpp"

namespace iro::server {
namespace {

bool out_of_descriptors(const beast::error_code& error) {
  return error == net::error::no_descriptors ||                // EMFILE: this process's limit
         error == beast::errc::too_many_files_open_in_system;  // ENFILE: the system's
}

}  // namespace

Listener::Listener(net::io_context& ioc, const tcp::endpoint& endpoint, ServerShared& shared)
    : m_ioc(ioc),
      m_acceptor(net::make_strand(ioc)),
      m_shared(shared),
      m_pause(m_acceptor.get_executor()) {
  m_acceptor.open(endpoint.protocol());
  m_acceptor.set_option(net::socket_base::reuse_address(true));
  m_acceptor.bind(endpoint);
  m_acceptor.listen(net::socket_base::max_listen_connections);
}

void Listener::start() {
  net::dispatch(m_acceptor.get_executor(), [self = shared_from_this()] { self->accept_next(); });
}

void Listener::stop() {
  net::post(m_acceptor.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    self->m_acceptor.close(ignored);
    self->m_pause.cancel();
  });
}

void Listener::accept_next() {
  m_acceptor.async_accept(net::make_strand(m_ioc),
                          beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code error, tcp::socket socket) {
  if (error == net::error::operation_aborted || !m_acceptor.is_open()) return;
  if (error && out_of_descriptors(error)) return pause_accepting(error);
  if (m_failed_accepts > 0) {
    spdlog::warn("{}",
                 logfmt("accept-resumed", {{"failed_accepts", std::to_string(m_failed_accepts)}}));
    m_failed_accepts = 0;
    m_next_pause = kFirstPause;
  }
  if (error) {
    // A connection reset before it was accepted, and the like: only that one is lost.
    spdlog::warn("{}", logfmt("accept-failed", {{"error", error.message()}}));
    return accept_next();
  }
  beast::error_code peer_error;
  const auto peer = socket.remote_endpoint(peer_error);
  const std::string address = peer_error ? "unknown" : peer.address().to_string();
  bool over_total = false;
  std::shared_ptr<ConnectionLimits::Slot> slot;
  if (m_shared.connection_limits) {
    slot = m_shared.connection_limits->admit(address, &over_total);
    if (!slot) {
      refuse_over_limit(socket, over_total);
      return accept_next();
    }
  }
  if (m_refused_over_limit > 0) {
    spdlog::warn("{}", logfmt("connections-refused-over-limit",
                              {{"count", std::to_string(m_refused_over_limit)}}));
    m_refused_over_limit = 0;
  }
  start_session(std::move(socket), std::move(slot));
  accept_next();
}

// Out of file descriptors: every accept would fail at once until a
// connection closes, so waiting is the only thing that helps. Logged once.
void Listener::pause_accepting(const beast::error_code& error) {
  if (m_failed_accepts++ == 0) {
    spdlog::error("{}", logfmt("accept-paused",
                               {{"error", error.message()},
                                {"note",
                                 "out of file descriptors: accepting again with a delay; "
                                 "raise the limit (ulimit -n) or --max-connections lower"}}));
  }
  m_pause.expires_after(m_next_pause);
  m_next_pause = std::min(m_next_pause * 2, kLongestPause);
  m_pause.async_wait([self = shared_from_this()](beast::error_code timer_error) {
    if (timer_error || !self->m_acceptor.is_open()) return;
    self->accept_next();
  });
}

void Listener::refuse_over_limit(tcp::socket& socket, bool over_total) {
  if (m_refused_over_limit++ == 0) {
    spdlog::warn(
        "{}", logfmt("connection-refused", {{"reason", over_total ? "the server's connection limit"
                                                                  : "the limit for one address"}}));
  }
  beast::error_code ignored;
  socket.close(ignored);
}

void Listener::start_session(tcp::socket socket, std::shared_ptr<ConnectionLimits::Slot> slot) {
  if (m_shared.tls != nullptr) {
    std::make_shared<ConnectionDetector>(std::move(socket), m_shared, *m_shared.tls,
                                         std::move(slot))
        ->start();
  } else {
    auto session = std::make_shared<WebsocketSession<PlainStream>>(m_shared, beast::flat_buffer{},
                                                                   std::move(socket));
    session->hold(std::move(slot));
    session->start();
  }
}

}  // namespace iro::server
