// One device's WebSocket connection: completes the TLS handshake (TlsStream),
// reads the first HTTP request, accepts it when it is the upgrade (anything
// else, /healthz or /metrics, is answered by ServerShared::routes and the
// connection closed), reads one binary frame at a time into its
// ServerSession, and writes replies through a bounded queue. Everything runs
// on the connection's strand. Instantiated for PlainStream and TlsStream.
#pragma once

#include <atomic>
#include <deque>
#include <memory>

#include "net/net.hpp"
#include "service/connection_limits.hpp"
#include "service/http_routes.hpp"
#include "service/hub.hpp"
#include "service/server_session.hpp"

namespace iro::server {

struct ServerShared {
  ServerStore& store;
  CommitQueue& commits;
  Hub& hub;
  Clock& clock;
  std::atomic<int> open_sessions{0};    // connections not yet destroyed (for draining)
  std::atomic<int> device_sessions{0};  // of those, WebSocket sessions (not HTTP requests)
  ssl::context* tls = nullptr;          // null: plaintext (--insecure-loopback)
  // Failed authentication limited per address (service/auth_throttle.hpp); null: no limit.
  AuthThrottle* auth_throttle = nullptr;
  // Bounds the audit entries for connections refused before a Hello (per
  // address; its lockouts refuse nothing: they only stop the entries).
  AuthThrottle* refused_connection_audit_limit = nullptr;
  Metrics* metrics = nullptr;  // the operators' counters; null: not counted
  // Plain HTTP requests (/healthz, /metrics); null: every one is 404.
  const HttpRoutes* routes = nullptr;
  // Connections held at once, in total and per address; null: no limit.
  ConnectionLimits* connection_limits = nullptr;
  BlobLimits blob_limits = {};  // what one user's devices may upload
};

// "address:port" of the connection's other end, for logs ("unknown" once reset).
std::string peer_of(const tcp::socket& socket);

template <class NextLayer>
class WebsocketSession final : public std::enable_shared_from_this<WebsocketSession<NextLayer>>,
                               public LiveSession,
                               public SessionLink {
 public:
  // `already_read`: bytes read from the connection before the session
  // existed (the start of the TLS handshake, read to tell TLS from plaintext).
  // `stream_args` construct the stream: a tcp::socket for PlainStream, a
  // beast::tcp_stream and the ssl::context for TlsStream.
  template <class... StreamArgs>
  WebsocketSession(ServerShared& shared, beast::flat_buffer already_read,
                   StreamArgs&&... stream_args);
  ~WebsocketSession() override;

  void start();
  // Keeps the connection's place in the limits for the session's life.
  void hold(std::shared_ptr<ConnectionLimits::Slot> slot) { m_slot = std::move(slot); }

  // LiveSession (any thread)
  void on_store_changed() override;
  void shut_down() override;
  void on_device_row(const DeviceRow& device) override;

  // SessionLink (on the strand)
  void send(Bytes message) override;
  void close_after_sending() override;
  Poster poster() override;
  void resume_reading() override;
  void authenticated(const DeviceIdentity& identity) override;
  void went_live(const DeviceIdentity& identity) override;
  std::size_t queued_frames() const override { return m_queue.size(); }

  // Frames queued for one client beyond which it is too slow: it is closed.
  static constexpr std::size_t kMaxQueuedFrames = 64;
  // A connection must say Hello (or Enrol) within this long.
  static constexpr std::chrono::seconds kHelloTimeout{30};
  // The TLS handshake must be done within this long.
  static constexpr std::chrono::seconds kTlsHandshakeTimeout{30};
  // The first HTTP request (the upgrade) must arrive within this long, and
  // its header and its body be at most this big each: a device's upgrade is
  // a few hundred bytes, a sign-in form's body less.
  static constexpr std::chrono::seconds kRequestTimeout{30};
  static constexpr std::uint32_t kMaxRequestBytes = 8 * 1024;

 private:
  void read_request();
  void on_request(beast::error_code error, std::size_t bytes);
  void answer_http(HttpReply reply, const std::string& request_id);
  void end_http();
  void on_tls_handshake(beast::error_code error, std::size_t bytes_used);
  void on_accept(beast::error_code error);
  void read_next();
  void on_read(beast::error_code error, std::size_t bytes);
  void write_next();
  void on_write(beast::error_code error, std::size_t bytes);
  void close(websocket::close_code code);

  websocket::stream<NextLayer> m_ws;
  ServerShared& m_shared;
  // The first request while it is read, and a plain HTTP request's reply
  // while it is written; null otherwise (an idle device holds neither).
  std::unique_ptr<http::request_parser<http::string_body>> m_request;
  std::unique_ptr<http::request<http::string_body>> m_upgrade;  // the request read
  std::unique_ptr<http::response<http::string_body>> m_reply;
  ServerSession m_logic;
  beast::flat_buffer m_buffer;
  std::deque<Bytes> m_queue;
  net::steady_timer m_hello_timer;
  bool m_reading = false;         // a read is outstanding: the session is between requests
  bool m_handling_frame = false;  // on_frame is running on the frame in m_buffer
  bool m_read_requested = false;  // it asked for the next frame meanwhile
  bool m_writing = false;
  bool m_close_when_sent = false;
  bool m_closing = false;
  bool m_shutting_down = false;
  bool m_in_hub = false;
  std::atomic<bool> m_wake_posted{false};  // an on_store_changed is queued on the strand
  std::shared_ptr<ConnectionLimits::Slot> m_slot;
};

template <class NextLayer>
template <class... StreamArgs>
WebsocketSession<NextLayer>::WebsocketSession(ServerShared& shared, beast::flat_buffer already_read,
                                              StreamArgs&&... stream_args)
    : m_ws(std::forward<StreamArgs>(stream_args)...),
      m_shared(shared),
      m_logic(SessionServices{shared.store, shared.commits, shared.clock, shared.auth_throttle,
                              shared.metrics, shared.blob_limits},
              *this, peer_of(beast::get_lowest_layer(m_ws).socket())),
      m_buffer(std::move(already_read)),
      m_hello_timer(m_ws.get_executor()) {
  ++m_shared.open_sessions;
}

extern template class WebsocketSession<PlainStream>;
extern template class WebsocketSession<TlsStream>;

}  // namespace iro::server
