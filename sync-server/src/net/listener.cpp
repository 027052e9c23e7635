#include "net/listener.hpp"

#include <spdlog/spdlog.h>

#include "net/connection_detector.hpp"
#include "service/log_line.hpp"

namespace iro::server {

Listener::Listener(net::io_context& ioc, const tcp::endpoint& endpoint, ServerShared& shared)
    : m_ioc(ioc), m_acceptor(net::make_strand(ioc)), m_shared(shared) {
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
  });
}

void Listener::accept_next() {
  m_acceptor.async_accept(net::make_strand(m_ioc),
                          beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code error, tcp::socket socket) {
  if (error == net::error::operation_aborted || !m_acceptor.is_open()) return;
  if (error) {
    // Out of file descriptors and the like: log, and keep accepting others.
    spdlog::warn("{}", logfmt("accept-failed", {{"error", error.message()}}));
  } else if (m_shared.tls != nullptr) {
    std::make_shared<ConnectionDetector>(std::move(socket), m_shared, *m_shared.tls)->start();
  } else {
    std::make_shared<WebsocketSession<PlainStream>>(m_shared, beast::flat_buffer{},
                                                    std::move(socket))
        ->start();
  }
  accept_next();
}

}  // namespace iro::server
