// One WebSocket connection from a device to the server, over TLS (wss://,
// the server's certificate verified) or plain TCP (ws://, loopback tests),
// driving a ClientProtocol (the sync or enrol session) until it finishes or
// the network fails. Single-threaded: everything runs on one io_context.
#pragma once

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
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
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

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
  untrusted,        // not the server the device trusts: its certificate failed
                    // verification, it does not speak TLS, or it wants TLS
                    // from a ws:// device. Retrying would not help.
  cancelled,        // TransportOptions::stop_requested said so
};

struct ConnectionOutcome {
  ConnectionEnd end = ConnectionEnd::network_failure;
  std::string message;
};

// The TLS settings for a wss:// connection: TLS 1.2 or newer, the peer's
// certificate verified against `ca_pem` (the server's CA, PEM text) or, when
// it is empty, the system's roots. Throws Error(invalid_input) for a CA
// that is not PEM.
ssl::context make_client_tls_context(const std::string& ca_pem);

// Instantiated for PlainStream (ws://) and TlsStream (wss://).
template <class NextLayer>
class ClientConnection : public std::enable_shared_from_this<ClientConnection<NextLayer>> {
 public:
  // `tls` is used for TlsStream only (nullptr for PlainStream).
  ClientConnection(net::io_context& ioc, ServerAddress address, ClientProtocol& protocol,
                   const TransportOptions& options, ssl::context* tls);

  void start();
  const ConnectionOutcome& outcome() const { return m_outcome; }

 private:
  void on_resolve(beast::error_code error, tcp::resolver::results_type results);
  void on_connect(beast::error_code error, tcp::endpoint endpoint);
  void on_tls_handshake(beast::error_code error);
  void start_websocket_handshake();
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
  websocket::stream<NextLayer> m_ws;
  websocket::response_type m_upgrade_response;  // the server's answer to the upgrade
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

extern template class ClientConnection<PlainStream>;
extern template class ClientConnection<TlsStream>;

}  // namespace iro::transport
