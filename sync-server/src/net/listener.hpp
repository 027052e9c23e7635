// Accepts TCP connections and starts a session for each, on its own strand:
// through a ConnectionDetector when the server has TLS. Each connection
// takes a place in ServerShared::connection_limits (over a limit, it is
// closed at once). When the process is out of file descriptors, accepting
// pauses with a growing delay instead of failing in a loop, and says so
// once per episode in the log.
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

  // The pause after the first accept that fails for want of descriptors,
  // doubled after each further one up to the longest.
  static constexpr std::chrono::milliseconds kFirstPause{50};
  static constexpr std::chrono::milliseconds kLongestPause{1000};

 private:
  void accept_next();
  void on_accept(beast::error_code error, tcp::socket socket);
  void pause_accepting(const beast::error_code& error);
  void start_session(tcp::socket socket, std::shared_ptr<ConnectionLimits::Slot> slot);
  void refuse_over_limit(tcp::socket& socket, bool over_total);

  net::io_context& m_ioc;
  tcp::acceptor m_acceptor;
  ServerShared& m_shared;
  net::steady_timer m_pause;
  std::chrono::milliseconds m_next_pause = kFirstPause;
  std::uint64_t m_failed_accepts = 0;      // in the current out-of-descriptors episode
  std::uint64_t m_refused_over_limit = 0;  // since the last connection admitted
};

}  // namespace iro::server
