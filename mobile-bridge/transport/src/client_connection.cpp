#include "client_connection.hpp"

#include "iro/error.hpp"

namespace iro::transport {

ClientConnection::ClientConnection(net::io_context& ioc, ServerAddress address,
                                   ClientProtocol& protocol, const TransportOptions& options)
    : m_ioc(ioc),
      m_address(std::move(address)),
      m_protocol(protocol),
      m_options(options),
      m_resolver(ioc),
      m_ws(ioc),
      m_follow_deadline(ioc),
      m_flush_timer(ioc),
      m_stop_timer(ioc) {}

void ClientConnection::start() {
  if (m_options.stop_requested) schedule_stop_check();
  m_resolver.async_resolve(
      m_address.host, m_address.port,
      beast::bind_front_handler(&ClientConnection::on_resolve, shared_from_this()));
}

void ClientConnection::on_resolve(beast::error_code error, tcp::resolver::results_type results) {
  if (m_done) return;
  if (error) return finish(ConnectionEnd::network_failure, "cannot resolve " + m_address.host);
  beast::get_lowest_layer(m_ws).expires_after(m_options.connect_timeout);
  beast::get_lowest_layer(m_ws).async_connect(
      results, beast::bind_front_handler(&ClientConnection::on_connect, shared_from_this()));
}

void ClientConnection::on_connect(beast::error_code error, tcp::endpoint) {
  if (m_done) return;
  if (error) {
    return finish(ConnectionEnd::network_failure, "cannot connect to " + m_address.host + ":" +
                                                      m_address.port + ": " + error.message());
  }
  m_ws.read_message_max(kMaxFrameBytes);
  m_ws.binary(true);
  m_ws.set_option(websocket::stream_base::decorator([](websocket::request_type& request) {
    request.set(beast::http::field::user_agent, "iro-sync device");
  }));
  m_ws.async_handshake(
      m_address.host + ":" + m_address.port, m_address.path,
      beast::bind_front_handler(&ClientConnection::on_handshake, shared_from_this()));
}

void ClientConnection::on_handshake(beast::error_code error) {
  if (m_done) return;
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

void ClientConnection::read_next() {
  m_ws.async_read(m_buffer,
                  beast::bind_front_handler(&ClientConnection::on_read, shared_from_this()));
}

void ClientConnection::on_read(beast::error_code error, std::size_t) {
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

void ClientConnection::after_progress() {
  if (m_protocol.finished()) {
    close_gracefully();
  } else if (m_protocol.live() && !m_following) {
    start_following();
  }
}

void ClientConnection::start_following() {
  m_following = true;
  if (m_options.follow_for.count() <= 0) return close_gracefully();
  m_follow_deadline.expires_after(m_options.follow_for);
  m_follow_deadline.async_wait([self = shared_from_this()](beast::error_code error) {
    if (!error) self->close_gracefully();
  });
  schedule_flush();
}

void ClientConnection::schedule_flush() {
  m_flush_timer.expires_after(m_options.flush_every);
  m_flush_timer.async_wait([self = shared_from_this()](beast::error_code error) {
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
void ClientConnection::schedule_stop_check() {
  m_stop_timer.expires_after(std::chrono::milliseconds(100));
  m_stop_timer.async_wait([self = shared_from_this()](beast::error_code error) {
    if (error || self->m_done) return;
    if (!self->m_options.stop_requested()) return self->schedule_stop_check();
    if (self->m_following) return self->close_gracefully();
    self->finish(ConnectionEnd::cancelled, "cancelled");
  });
}

void ClientConnection::send_all(std::vector<Bytes> frames) {
  for (Bytes& frame : frames) m_queue.push_back(std::move(frame));
  if (!m_writing && !m_queue.empty()) write_next();
}

void ClientConnection::write_next() {
  m_writing = true;
  m_ws.async_write(net::buffer(m_queue.front()),
                   beast::bind_front_handler(&ClientConnection::on_write, shared_from_this()));
}

void ClientConnection::on_write(beast::error_code error, std::size_t) {
  m_writing = false;
  if (error) {
    if (!m_done) finish(ConnectionEnd::network_failure, "sending failed: " + error.message());
    return;
  }
  m_queue.pop_front();
  if (!m_queue.empty()) return write_next();
  if (m_closing) close_gracefully();
}

void ClientConnection::close_gracefully() {
  m_closing = true;
  if (m_writing || !m_queue.empty()) return;  // on_write comes back here when the queue is empty
  if (m_done) return;
  m_done = true;
  m_outcome = {ConnectionEnd::finished, ""};
  m_follow_deadline.cancel();
  m_flush_timer.cancel();
  m_stop_timer.cancel();
  m_ws.async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {
    beast::error_code ignored;
    beast::get_lowest_layer(self->m_ws).socket().close(ignored);
  });
}

void ClientConnection::finish(ConnectionEnd end, std::string message) {
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

}  // namespace iro::transport
