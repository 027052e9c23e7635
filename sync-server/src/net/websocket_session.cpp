#include "net/websocket_session.hpp"

#include <spdlog/spdlog.h>

#include "net/connection_audit.hpp"

namespace iro::server {

std::string peer_of(const tcp::socket& socket) {
  beast::error_code error;
  const auto endpoint = socket.remote_endpoint(error);
  if (error) return "unknown";
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

template <class NextLayer>
WebsocketSession<NextLayer>::~WebsocketSession() {
  if (m_in_hub) {
    m_shared.hub.leave(this);
    --m_shared.device_sessions;
  }
  --m_shared.open_sessions;
}

template <class NextLayer>
void WebsocketSession<NextLayer>::start() {
  net::dispatch(m_ws.get_executor(), [self = this->shared_from_this()] {
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.idle_timeout = std::chrono::seconds(60);  // pinged at 30 s; dead at 60 s
    self->m_ws.set_option(timeouts);
    self->m_ws.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
      response.set(beast::http::field::server, "iro-server");
    }));
    self->m_ws.read_message_max(kMaxFrameBytes);
    self->m_ws.binary(true);
    if constexpr (std::is_same_v<NextLayer, TlsStream>) {
      // The TLS handshake has a deadline of its own; the WebSocket's
      // timeouts take over once it is done.
      beast::get_lowest_layer(self->m_ws).expires_after(kTlsHandshakeTimeout);
      self->m_ws.next_layer().async_handshake(
          ssl::stream_base::server, self->m_buffer.data(),
          beast::bind_front_handler(&WebsocketSession<NextLayer>::on_tls_handshake, self));
    } else {
      self->read_request();
    }
  });
}

template <class NextLayer>
void WebsocketSession<NextLayer>::on_tls_handshake(beast::error_code error,
                                                   std::size_t bytes_used) {
  if (error) {
    spdlog::info("{}", m_logic.log_line("tls-handshake-failed", {{"error", error.message()}}));
    return;
  }
  m_buffer.consume(bytes_used);
  read_request();
}

template <class NextLayer>
void WebsocketSession<NextLayer>::read_request() {
  beast::get_lowest_layer(m_ws).expires_after(kRequestTimeout);
  m_request = std::make_unique<http::request_parser<http::string_body>>();
  m_request->header_limit(kMaxRequestBytes);
  m_request->body_limit(kMaxRequestBytes);
  http::async_read(m_ws.next_layer(), m_buffer, *m_request,
                   beast::bind_front_handler(&WebsocketSession<NextLayer>::on_request,
                                             this->shared_from_this()));
}

template <class NextLayer>
void WebsocketSession<NextLayer>::on_request(beast::error_code error, std::size_t) {
  // The WebSocket's own timeouts take over from here.
  beast::get_lowest_layer(m_ws).expires_never();
  if (error == http::error::header_limit || error == http::error::body_limit) {
    spdlog::info("{}", m_logic.log_line("http-refused", {{"error", error.message()}}));
    return answer_http({error == http::error::header_limit ? 431 : 413, "text/plain; charset=utf-8",
                        "the request is too large (at most " + std::to_string(kMaxRequestBytes) +
                            " bytes of header and of body)\n"},
                       next_connection_id());
  }
  if (error == http::error::end_of_stream || error == beast::error::timeout ||
      error == net::error::operation_aborted) {
    spdlog::debug("{}", m_logic.log_line("no-request", {{"error", error.message()}}));
    return;
  }
  if (error) {
    // Not HTTP (a wss:// device's TLS hello to a plaintext server, say): the
    // answer tells it so, where a bare close would look like a broken network.
    spdlog::info("{}", m_logic.log_line("not-http", {{"error", error.message()}}));
    return answer_http({400, "text/plain; charset=utf-8", "not an HTTP request\n"},
                       next_connection_id());
  }
  m_upgrade = std::make_unique<http::request<http::string_body>>(m_request->release());
  m_request.reset();
  const http::request<http::string_body>& request = *m_upgrade;
  if (websocket::is_upgrade(request)) {
    // Kept until the accept completes: Beast reads it while it answers.
    return m_ws.async_accept(request,
                             beast::bind_front_handler(&WebsocketSession<NextLayer>::on_accept,
                                                       this->shared_from_this()));
  }
  const auto header = [&request](http::field field) {
    const auto value = request[field];
    return std::string(value.data(), value.size());
  };
  HttpRequest asked{std::string(request.method_string().data(), request.method_string().size()),
                    std::string(request.target().data(), request.target().size()),
                    m_logic.peer(),
                    header(http::field::host),
                    header(http::field::origin),
                    header(http::field::cookie),
                    header(http::field::content_type),
                    header(http::field::authorization),
                    request.body()};
  m_upgrade.reset();
  if (!m_shared.routes)
    return answer_http({404, "text/plain; charset=utf-8", "not found\n"}, next_connection_id());
  const auto started = std::chrono::steady_clock::now();
  const std::string request_id = next_connection_id();
  const bool head = asked.method == "HEAD";
  // One line a request (service/log_line.hpp); the path without its query,
  // and no header: nothing a client sent beyond what it asked for. Its id is
  // also the reply's X-Request-Id.
  std::string logged = logfmt("http", {{"request_id", request_id},
                                       {"peer", asked.peer},
                                       {"method", asked.method.substr(0, 16)},
                                       {"path", std::string(asked.path().substr(0, 64))}});
  // A sign-in answers from another thread: the reply is written on the strand.
  m_shared.routes->answer(asked, [self = this->shared_from_this(), started, request_id, head,
                                  logged = std::move(logged)](HttpReply reply) mutable {
    spdlog::info("{} status={} us={}", logged, reply.status,
                 std::chrono::duration_cast<std::chrono::microseconds>(
                     std::chrono::steady_clock::now() - started)
                     .count());
    if (head) reply.body.clear();
    net::post(self->m_ws.get_executor(), [self, reply = std::move(reply), request_id]() mutable {
      self->answer_http(std::move(reply), request_id);
    });
  });
}

// Writes the reply, then closes: one request a connection (a probe or a
// scraper opens a connection a time anyway).
template <class NextLayer>
void WebsocketSession<NextLayer>::answer_http(HttpReply reply, const std::string& request_id) {
  m_reply = std::make_unique<http::response<http::string_body>>(
      static_cast<http::status>(reply.status), 11);
  m_reply->set(http::field::server, "iro-server");
  m_reply->set(http::field::content_type, reply.content_type);
  m_reply->set(http::field::cache_control, "no-store");
  // The pages run no script and load nothing from elsewhere; no one may
  // frame them (clickjacking), and no address leaks to another site in a
  // Referer. (same-origin, not no-referrer: under no-referrer a browser
  // posts the sign-in form with "Origin: null", which the pages refuse.)
  m_reply->set("Content-Security-Policy",
               "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
               "frame-ancestors 'none'; base-uri 'none'");
  m_reply->set("X-Content-Type-Options", "nosniff");
  m_reply->set("Referrer-Policy", "same-origin");
  // Once a browser has reached the server over TLS, it never tries it without (a year).
  if constexpr (std::is_same_v<NextLayer, TlsStream>) {
    m_reply->set(http::field::strict_transport_security, "max-age=31536000");
  }
  m_reply->set("X-Request-Id", request_id);
  for (const auto& [name, value] : reply.headers) m_reply->insert(name, value);
  m_reply->keep_alive(false);
  m_reply->body() = std::move(reply.body);
  m_reply->prepare_payload();
  http::async_write(
      m_ws.next_layer(), *m_reply,
      [self = this->shared_from_this()](beast::error_code, std::size_t) { self->end_http(); });
}

template <class NextLayer>
void WebsocketSession<NextLayer>::end_http() {
  const auto close_socket = [self = this->shared_from_this()](beast::error_code = {}) {
    beast::error_code ignored;
    beast::get_lowest_layer(self->m_ws).socket().shutdown(tcp::socket::shutdown_both, ignored);
  };
  if constexpr (std::is_same_v<NextLayer, TlsStream>) {
    // TLS says goodbye first (close_notify), so clients see a clean end.
    beast::get_lowest_layer(m_ws).expires_after(std::chrono::seconds(5));
    m_ws.next_layer().async_shutdown(close_socket);
  } else {
    close_socket();
  }
}

template <class NextLayer>
void WebsocketSession<NextLayer>::on_accept(beast::error_code error) {
  m_upgrade.reset();
  if (error) {
    spdlog::debug("{}", m_logic.log_line("upgrade-failed", {{"error", error.message()}}));
    return;
  }
  m_buffer.consume(m_buffer.size());
  // In the hub from the start, so a stop reaches sessions still catching up
  // too; live updates are ignored until the session is live.
  m_in_hub = true;
  ++m_shared.device_sessions;
  m_shared.hub.join(this->shared_from_this());
  m_hello_timer.expires_after(kHelloTimeout);
  m_hello_timer.async_wait([self = this->shared_from_this()](beast::error_code timer_error) {
    if (timer_error || self->m_logic.identity() || self->m_closing) return;
    spdlog::info("{}", self->m_logic.log_line(
                           "no-hello", {{"after_s", std::to_string(kHelloTimeout.count())}}));
    audit_refused_connection(self->m_shared, self->m_logic.peer(),
                             "no Hello within " + std::to_string(kHelloTimeout.count()) + " s");
    self->close(websocket::close_code::policy_error);
  });
  read_next();
}

template <class NextLayer>
void WebsocketSession<NextLayer>::read_next() {
  if (m_closing) return;
  if (m_shutting_down) return close(websocket::close_code::going_away);
  m_reading = true;
  m_ws.async_read(m_buffer, beast::bind_front_handler(&WebsocketSession<NextLayer>::on_read,
                                                      this->shared_from_this()));
}

template <class NextLayer>
void WebsocketSession<NextLayer>::on_read(beast::error_code error, std::size_t) {
  m_reading = false;
  if (error) {
    m_logic.on_disconnected();
    m_hello_timer.cancel();
    if (error == websocket::error::message_too_big) {
      spdlog::warn("{}", m_logic.log_line("frame-too-big",
                                          {{"limit_bytes", std::to_string(kMaxFrameBytes)}}));
      audit_refused_connection(
          m_shared, m_logic.peer(),
          "a frame over the " + std::to_string(kMaxFrameBytes) + "-byte limit; closed");
    } else if (error != websocket::error::closed && error != net::error::operation_aborted) {
      spdlog::debug("{}", m_logic.log_line("read-ended", {{"error", error.message()}}));
    }
    return;
  }
  const auto data = m_buffer.cdata();
  const std::span<const std::uint8_t> frame(static_cast<const std::uint8_t*>(data.data()),
                                            data.size());
  // The session may answer at once and ask for the next frame while this one
  // still occupies the buffer; that read starts only once the buffer is empty,
  // or it would land behind (and be mistaken for) the frame just handled.
  m_handling_frame = true;
  m_logic.on_frame(frame, m_ws.got_binary());
  m_handling_frame = false;
  m_buffer.consume(m_buffer.size());
  if (m_read_requested) {
    m_read_requested = false;
    read_next();
  }
}

template <class NextLayer>
void WebsocketSession<NextLayer>::resume_reading() {
  if (m_handling_frame) {
    m_read_requested = true;
    return;
  }
  read_next();
}

template <class NextLayer>
void WebsocketSession<NextLayer>::send(Bytes message) {
  if (m_closing) return;
  if (m_queue.size() >= kMaxQueuedFrames) {
    spdlog::warn(
        "{}", m_logic.log_line("too-slow", {{"frames_waiting", std::to_string(m_queue.size())}}));
    m_queue.clear();
    return close(websocket::close_code::try_again_later);
  }
  m_queue.push_back(std::move(message));
  if (!m_writing) write_next();
}

template <class NextLayer>
void WebsocketSession<NextLayer>::write_next() {
  m_writing = true;
  m_ws.async_write(
      net::buffer(m_queue.front()),
      beast::bind_front_handler(&WebsocketSession<NextLayer>::on_write, this->shared_from_this()));
}

template <class NextLayer>
void WebsocketSession<NextLayer>::on_write(beast::error_code error, std::size_t) {
  m_writing = false;
  if (error) {
    m_logic.on_disconnected();
    m_queue.clear();
    return;
  }
  m_queue.pop_front();
  if (!m_queue.empty()) return write_next();
  if (m_close_when_sent) return close(websocket::close_code::normal);
  if (m_shutting_down && m_reading) return close(websocket::close_code::going_away);
  m_logic.on_queue_drained();
}

template <class NextLayer>
void WebsocketSession<NextLayer>::close_after_sending() {
  m_close_when_sent = true;
  if (!m_writing && m_queue.empty()) close(websocket::close_code::normal);
}

template <class NextLayer>
void WebsocketSession<NextLayer>::close(websocket::close_code code) {
  if (m_closing) return;
  m_closing = true;
  m_hello_timer.cancel();
  m_logic.on_disconnected();
  m_ws.async_close(code, [self = this->shared_from_this()](beast::error_code) {});
}

template <class NextLayer>
SessionLink::Poster WebsocketSession<NextLayer>::poster() {
  return [self = this->shared_from_this()](std::function<void()> task) {
    net::post(self->m_ws.get_executor(), [self, task = std::move(task)] { task(); });
  };
}

template <class NextLayer>
void WebsocketSession<NextLayer>::went_live(const DeviceIdentity& identity) {
  spdlog::debug("{}", m_logic.log_line("live", {{"device", identity.device_id}}));
  m_shared.hub.went_live(this, identity.tenant);
}

template <class NextLayer>
void WebsocketSession<NextLayer>::authenticated(const DeviceIdentity& identity) {
  m_shared.hub.authenticated(this, identity.device_id);
}

template <class NextLayer>
void WebsocketSession<NextLayer>::on_device_row(const DeviceRow& device) {
  net::post(m_ws.get_executor(),
            [self = this->shared_from_this(), device] { self->m_logic.on_device_row(device); });
}

template <class NextLayer>
void WebsocketSession<NextLayer>::on_store_changed() {
  // One wake in flight is enough: it reads everything committed before it
  // runs, so commits that land meanwhile add no second read.
  if (m_wake_posted.exchange(true)) return;
  net::post(m_ws.get_executor(), [self = this->shared_from_this()] {
    self->m_wake_posted = false;
    self->m_logic.on_store_changed();
  });
}

template <class NextLayer>
void WebsocketSession<NextLayer>::shut_down() {
  net::post(m_ws.get_executor(), [self = this->shared_from_this()] {
    self->m_shutting_down = true;
    // Between requests (a read outstanding, nothing being written) close now;
    // otherwise the request in hand finishes, its reply is written, then it closes.
    if (self->m_reading && !self->m_writing) self->close(websocket::close_code::going_away);
  });
}

template class WebsocketSession<PlainStream>;
template class WebsocketSession<TlsStream>;

}  // namespace iro::server
