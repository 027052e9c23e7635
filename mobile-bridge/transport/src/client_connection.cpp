#include "client_connection.hpp"

#include "iro/error.hpp"

namespace iro::transport {
namespace {

template <class NextLayer>
websocket::stream<NextLayer> make_stream(net::io_context& ioc, ssl::context* tls) {
  if constexpr (std::is_same_v<NextLayer, TlsStream>) {
    return websocket::stream<NextLayer>(ioc, *tls);
  } else {
    (void)tls;
    return websocket::stream<NextLayer>(ioc);
  }
}

bool is_ip_address(const std::string& host) {
  beast::error_code error;
  net::ip::make_address(host, error);
  return !error;
}

}  // namespace

ssl::context make_client_tls_context(const std::string& ca_pem) {
  ssl::context context(ssl::context::tls_client);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                      ssl::context::no_compression);
  context.set_verify_mode(ssl::verify_peer);
  beast::error_code error;
  if (ca_pem.empty()) {
    context.set_default_verify_paths(error);
  } else {
    context.add_certificate_authority(net::buffer(ca_pem), error);
  }
  if (error) {
    throw Error(ErrorCode::invalid_input,
                "the server's CA certificate is not usable PEM: " + error.message());
  }
  return context;
}

template <class NextLayer>
ClientConnection<NextLayer>::ClientConnection(net::io_context& ioc, ServerAddress address,
                                              ClientProtocol& protocol,
                                              const TransportOptions& options, ssl::context* tls)
    : m_ioc(ioc),
      m_address(std::move(address)),
      m_protocol(protocol),
      m_options(options),
      m_resolver(ioc),
      m_ws(make_stream<NextLayer>(ioc, tls)),
      m_follow_deadline(ioc),
      m_flush_timer(ioc),
      m_stop_timer(ioc) {}

template <class NextLayer>
void ClientConnection<NextLayer>::start() {
  if (m_options.stop_requested) schedule_stop_check();
  m_resolver.async_resolve(m_address.host, m_address.port,
                           beast::bind_front_handler(&ClientConnection<NextLayer>::on_resolve,
                                                     this->shared_from_this()));
}

template <class NextLayer>
void ClientConnection<NextLayer>::on_resolve(beast::error_code error,
                                             tcp::resolver::results_type results) {
  if (m_done) return;
  if (error) return finish(ConnectionEnd::network_failure, "cannot resolve " + m_address.host);
  beast::get_lowest_layer(m_ws).expires_after(m_options.connect_timeout);
  beast::get_lowest_layer(m_ws).async_connect(
      results, beast::bind_front_handler(&ClientConnection<NextLayer>::on_connect,
                                         this->shared_from_this()));
}

template <class NextLayer>
void ClientConnection<NextLayer>::on_connect(beast::error_code error, tcp::endpoint) {
  if (m_done) return;
  if (error) {
    return finish(ConnectionEnd::network_failure, "cannot connect to " + m_address.host + ":" +
                                                      m_address.port + ": " + error.message());
  }
  if constexpr (std::is_same_v<NextLayer, TlsStream>) {
    TlsStream& tls = m_ws.next_layer();
    // SNI, for servers behind a proxy that hosts several names; not for an IP.
    if (!is_ip_address(m_address.host) &&
        !SSL_set_tlsext_host_name(tls.native_handle(), m_address.host.c_str())) {
      return finish(ConnectionEnd::untrusted, "cannot use \"" + m_address.host + "\" for TLS");
    }
    // The certificate must be for the host the device was told (a name, or
    // an IP address in its subjectAltName), not merely signed by the CA.
    tls.set_verify_callback(ssl::host_name_verification(m_address.host));
    beast::get_lowest_layer(m_ws).expires_after(m_options.connect_timeout);
    tls.async_handshake(ssl::stream_base::client,
                        beast::bind_front_handler(&ClientConnection<NextLayer>::on_tls_handshake,
                                                  this->shared_from_this()));
  } else {
    start_websocket_handshake();
  }
}

template <class NextLayer>
void ClientConnection<NextLayer>::on_tls_handshake(beast::error_code error) {
  if (m_done) return;
  if (!error) return start_websocket_handshake();
  const std::string where = m_address.host + ":" + m_address.port;
  if (error == ssl::error::stream_truncated) {
    // A plaintext server hangs up on a ClientHello; so does a cut network,
    // hence retried, with the likelier cause named.
    return finish(ConnectionEnd::network_failure,
                  "the TLS handshake with " + where +
                      " was cut off: is the server running without TLS? (ws://)");
  }
  if (error.category() != net::error::get_ssl_category()) {
    return finish(ConnectionEnd::network_failure,
                  "the TLS handshake with " + where + " failed: " + error.message());
  }
  if constexpr (std::is_same_v<NextLayer, TlsStream>) {
    const long verdict = SSL_get_verify_result(m_ws.next_layer().native_handle());
    if (verdict != X509_V_OK) {
      return finish(ConnectionEnd::untrusted,
                    "cannot trust the server at " + where + ": its certificate failed " +
                        "verification (" + X509_verify_cert_error_string(verdict) +
                        "); is the server's CA the one given with --ca-cert?");
    }
  }
  finish(ConnectionEnd::untrusted, "the TLS handshake with " + where + " failed (" +
                                       error.message() +
                                       "): is the server running without TLS? (ws://)");
}

template <class NextLayer>
void ClientConnection<NextLayer>::start_websocket_handshake() {
  m_ws.read_message_max(kMaxFrameBytes);
  m_ws.binary(true);
  m_ws.set_option(websocket::stream_base::decorator([](websocket::request_type& request) {
    request.set(beast::http::field::user_agent, "iro-sync device");
  }));
  m_ws.async_handshake(m_upgrade_response, m_address.host + ":" + m_address.port, m_address.path,
                       beast::bind_front_handler(&ClientConnection<NextLayer>::on_handshake,
                                                 this->shared_from_this()));
}

template <class NextLayer>
void ClientConnection<NextLayer>::on_handshake(beast::error_code error) {
  if (m_done) return;
  if (error == websocket::error::upgrade_declined) {
    // The server answered HTTP but would not speak WebSocket; its body says why.
    const auto status = m_upgrade_response.result_int();
    std::string body = m_upgrade_response.body().substr(0, 200);
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
    return finish(status == 426 ? ConnectionEnd::untrusted : ConnectionEnd::network_failure,
                  "the server declined the WebSocket connection (HTTP " + std::to_string(status) +
                      (body.empty() ? ")" : "): " + body));
  }
  if (error) {
    return finish(ConnectionEnd::network_failure, "WebSocket handshake failed: " + error.message());
  }
  // From here the WebSocket's own timeouts apply: it pings an idle server
  // and gives up when nothing comes back.
  beast::get_lowest_layer(m_ws).expires_never();
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = m_options.connect_timeout;
  timeouts.idle_timeout = m_options.idle_timeout;
  timeouts.keep_alive_pings = true;
  m_ws.set_option(timeouts);
  try {
    send_all({m_protocol.start()});
  } catch (const Error& failure) {
    return finish(ConnectionEnd::protocol_error, failure.what());
  }
  read_next();
}

template <class NextLayer>
void ClientConnection<NextLayer>::read_next() {
  m_ws.async_read(m_buffer, beast::bind_front_handler(&ClientConnection<NextLayer>::on_read,
                                                      this->shared_from_this()));
}

template <class NextLayer>
void ClientConnection<NextLayer>::on_read(beast::error_code error, std::size_t) {
  if (m_done) return;
  if (error) {
    std::string message = "the connection ended: " + error.message();
    if (error == websocket::error::closed) {
      const auto reason = m_ws.reason();
      message =
          "the server closed the connection (code " + std::to_string(reason.code) +
          (reason.reason.empty() ? ""
                                 : ": " + std::string(reason.reason.data(), reason.reason.size())) +
          ")";
      if (reason.code == websocket::close_code::too_big) {
        message += ": a message was over the server's size limit";
      }
    }
    return finish(ConnectionEnd::network_failure, message);
  }
  const auto data = m_buffer.cdata();
  std::vector<Bytes> replies;
  try {
    replies =
        m_protocol.receive(std::span(static_cast<const std::uint8_t*>(data.data()), data.size()));
  } catch (const Error& failure) {
    return finish(ConnectionEnd::protocol_error, failure.what());
  }
  m_buffer.consume(m_buffer.size());
  send_all(std::move(replies));
  after_progress();
  if (m_done || m_closing) return;
  read_next();
}

template <class NextLayer>
void ClientConnection<NextLayer>::after_progress() {
  if (m_protocol.finished()) {
    close_gracefully();
  } else if (m_protocol.live() && !m_following) {
    start_following();
  }
}

template <class NextLayer>
void ClientConnection<NextLayer>::start_following() {
  m_following = true;
  if (m_options.follow_for.count() <= 0) return close_gracefully();
  m_follow_deadline.expires_after(m_options.follow_for);
  m_follow_deadline.async_wait([self = this->shared_from_this()](beast::error_code error) {
    if (!error) self->close_gracefully();
  });
  schedule_flush();
}

template <class NextLayer>
void ClientConnection<NextLayer>::schedule_flush() {
  m_flush_timer.expires_after(m_options.flush_every);
  m_flush_timer.async_wait([self = this->shared_from_this()](beast::error_code error) {
    if (error || self->m_closing || self->m_done) return;
    try {
      self->send_all(self->m_protocol.flush());
    } catch (const Error& failure) {
      return self->finish(ConnectionEnd::protocol_error, failure.what());
    }
    self->schedule_flush();
  });
}

// A host that wants to stop (the app is closing the store) is answered
// within a tick: a follower closes normally, anything else is cut (the
// outbox and cursor are in the store, so the next sync resumes).
template <class NextLayer>
void ClientConnection<NextLayer>::schedule_stop_check() {
  m_stop_timer.expires_after(std::chrono::milliseconds(100));
  m_stop_timer.async_wait([self = this->shared_from_this()](beast::error_code error) {
    if (error || self->m_done) return;
    if (!self->m_options.stop_requested()) return self->schedule_stop_check();
    if (self->m_following) return self->close_gracefully();
    self->finish(ConnectionEnd::cancelled, "cancelled");
  });
}

template <class NextLayer>
void ClientConnection<NextLayer>::send_all(std::vector<Bytes> frames) {
  for (Bytes& frame : frames) m_queue.push_back(std::move(frame));
  if (!m_writing && !m_queue.empty()) write_next();
}

template <class NextLayer>
void ClientConnection<NextLayer>::write_next() {
  m_writing = true;
  m_ws.async_write(
      net::buffer(m_queue.front()),
      beast::bind_front_handler(&ClientConnection<NextLayer>::on_write, this->shared_from_this()));
}

template <class NextLayer>
void ClientConnection<NextLayer>::on_write(beast::error_code error, std::size_t) {
  m_writing = false;
  if (error) {
    if (!m_done) finish(ConnectionEnd::network_failure, "sending failed: " + error.message());
    return;
  }
  m_queue.pop_front();
  if (!m_queue.empty()) return write_next();
  if (m_closing) close_gracefully();
}

template <class NextLayer>
void ClientConnection<NextLayer>::close_gracefully() {
  m_closing = true;
  if (m_writing || !m_queue.empty()) return;  // on_write comes back here when the queue is empty
  if (m_done) return;
  m_done = true;
  m_outcome = {ConnectionEnd::finished, ""};
  m_follow_deadline.cancel();
  m_flush_timer.cancel();
  m_stop_timer.cancel();
  m_ws.async_close(websocket::close_code::normal,
                   [self = this->shared_from_this()](beast::error_code) {
                     beast::error_code ignored;
                     beast::get_lowest_layer(self->m_ws).socket().close(ignored);
                   });
}

template <class NextLayer>
void ClientConnection<NextLayer>::finish(ConnectionEnd end, std::string message) {
  if (m_done) return;
  m_done = true;
  m_outcome = {end, std::move(message)};
  m_follow_deadline.cancel();
  m_flush_timer.cancel();
  m_stop_timer.cancel();
  m_resolver.cancel();
  // The WebSocket's keep-alive timer outlives a dead socket and would hold
  // the io_context (and the caller) until its next ping, up to 30 s later.
  websocket::stream_base::timeout no_timer{};
  no_timer.handshake_timeout = websocket::stream_base::none();
  no_timer.idle_timeout = websocket::stream_base::none();
  m_ws.set_option(no_timer);
  beast::error_code ignored;
  beast::get_lowest_layer(m_ws).socket().close(ignored);
}

template class ClientConnection<PlainStream>;
template class ClientConnection<TlsStream>;

}  // namespace iro::transport
