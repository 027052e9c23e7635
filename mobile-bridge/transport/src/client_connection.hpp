// One WebSocket connection from a device to the server, driving a
// ClientProtocol (the sync or enrol session) until it finishes or the
// network fails. Single-threaded: everything runs on one io_context.
#pragma once

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "iro/codec.hpp"
#include "iro/transport.hpp"

namespace iro::transport {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

// What a connection carries: the first frame, the replies to each frame, and
// (when live) frames to send on a timer.
class ClientProtocol {
 public:
  virtual ~ClientProtocol() = default;
  virtual Bytes start() = 0;
  // May throw iro::Error for a message it cannot accept.
  virtual std::vector<Bytes> receive(std::span<const std::uint8_t> frame) = 0;
  virtual bool finished() const = 0;
  // Live sessions: true once there is nothing left but to follow.
  virtual bool live() const { return false; }
  virtual std::vector<Bytes> flush() { return {}; }
};

enum class ConnectionEnd {
  finished,         // the protocol finished (refused and wiped sessions finish too)
  network_failure,  // resolving, connecting, a timeout, a reset, a close before finishing
  protocol_error,   // the server sent something the device cannot accept
  cancelled,        // TransportOptions::stop_requested said so
};

struct ConnectionOutcome {
  ConnectionEnd end = ConnectionEnd::network_failure;
  std::string message;
};

class ClientConnection : public std::enable_shared_from_this<ClientConnection> {
 public:
  ClientConnection(net::io_context& ioc, ServerAddress address, ClientProtocol& protocol,
                   const TransportOptions& options);

  void start();
  const ConnectionOutcome& outcome() const { return m_outcome; }

 private:
  void on_resolve(beast::error_code error, tcp::resolver::results_type results);
  void on_connect(beast::error_code error, tcp::endpoint endpoint);
  void on_handshake(beast::error_code error);
  void read_next();
  void on_read(beast::error_code error, std::size_t bytes);
  void send_all(std::vector<Bytes> frames);
  void write_next();
  void on_write(beast::error_code error, std::size_t bytes);
  void after_progress();
  void start_following();
  void schedule_flush();
  void schedule_stop_check();
  void finish(ConnectionEnd end, std::string message);
  void close_gracefully();

  net::io_context& m_ioc;
  ServerAddress m_address;
  ClientProtocol& m_protocol;
  const TransportOptions& m_options;
  tcp::resolver m_resolver;
  websocket::stream<beast::tcp_stream> m_ws;
  beast::flat_buffer m_buffer;
  std::deque<Bytes> m_queue;
  bool m_writing = false;
  bool m_closing = false;
  bool m_done = false;
  bool m_following = false;
  net::steady_timer m_follow_deadline;
  net::steady_timer m_flush_timer;
  net::steady_timer m_stop_timer;
  ConnectionOutcome m_outcome;
};

}  // namespace iro::transport
