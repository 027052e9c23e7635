// Accepts TCP connections and starts a session for each, on its own strand:
// through a ConnectionDetector when the server has TLS.
#pragma once

#include <memory>

#include "net/net.hpp"
#include "net/websocket_session.hpp"

namespace iro::server {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Binds and listens; throws boost::system::system_error if it cannot.
  Listener(net::io_context& ioc, const tcp::endpoint& endpoint, ServerShared& shared);

  void start();
  void stop();
  tcp::endpoint local_endpoint() const { return m_acceptor.local_endpoint(); }

 private:
  void accept_next();
  void on_accept(beast::error_code error, tcp::socket socket);

  net::io_context& m_ioc;
  tcp::acceptor m_acceptor;
  ServerShared& m_shared;
};

}  // namespace iro::server
