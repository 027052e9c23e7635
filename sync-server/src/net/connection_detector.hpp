// A new connection to a TLS server: reads its first bytes to tell a TLS
// ClientHello from plaintext. TLS goes on to a WebsocketSession<TlsStream>;
// plaintext (a ws:// device, or a browser on http://) is answered with one
// HTTP 426 saying to use wss://, then closed, so the device shows a clear
// reason instead of a handshake failure. Each such refusal is audited (at
// most a few a minute per address).
#pragma once

#include <memory>

#include "net/net.hpp"
#include "net/websocket_session.hpp"

namespace iro::server {

class ConnectionDetector : public std::enable_shared_from_this<ConnectionDetector> {
 public:
  // `slot`: the connection's place in the limits (null: no limits), handed on to its session.
  ConnectionDetector(tcp::socket&& socket, ServerShared& shared, ssl::context& tls,
                     std::shared_ptr<ConnectionLimits::Slot> slot = nullptr);

  void start();

  // What a plaintext client is told.
  static constexpr const char* kUseTls =
      "iro-server requires TLS: connect with wss:// (and https://)";
  // The first bytes must arrive within this long.
  static constexpr std::chrono::seconds kDetectTimeout{30};

 private:
  void on_detect(beast::error_code error, bool is_tls);
  void refuse_plaintext();

  beast::tcp_stream m_stream;
  ServerShared& m_shared;
  ssl::context& m_tls;
  beast::flat_buffer m_buffer;
  http::response<http::string_body> m_refusal;
  std::shared_ptr<ConnectionLimits::Slot> m_slot;
};

}  // namespace iro::server
