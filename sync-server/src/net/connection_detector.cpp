#include "net/connection_detector.hpp"

#include <spdlog/spdlog.h>

#include "net/connection_audit.hpp"
#include "service/log_line.hpp"

namespace iro::server {

ConnectionDetector::ConnectionDetector(tcp::socket&& socket, ServerShared& shared,
                                       ssl::context& tls,
                                       std::shared_ptr<ConnectionLimits::Slot> slot)
    : m_stream(std::move(socket)), m_shared(shared), m_tls(tls), m_slot(std::move(slot)) {}

void ConnectionDetector::start() {
  net::dispatch(m_stream.get_executor(), [self = shared_from_this()] {
    self->m_stream.expires_after(kDetectTimeout);
    beast::async_detect_ssl(self->m_stream, self->m_buffer,
                            beast::bind_front_handler(&ConnectionDetector::on_detect, self));
  });
}

void ConnectionDetector::on_detect(beast::error_code error, bool is_tls) {
  if (error) {
    spdlog::debug("{}", logfmt("closed-silent",
                               {{"peer", peer_of(m_stream.socket())}, {"error", error.message()}}));
    return;
  }
  if (!is_tls) return refuse_plaintext();
  auto session = std::make_shared<WebsocketSession<TlsStream>>(m_shared, std::move(m_buffer),
                                                               std::move(m_stream), m_tls);
  session->hold(std::move(m_slot));
  session->start();
}

void ConnectionDetector::refuse_plaintext() {
  const std::string peer = peer_of(m_stream.socket());
  spdlog::info("{}", logfmt("plaintext-refused", {{"peer", peer}}));
  audit_refused_connection(m_shared, peer, "plaintext to a TLS server: told to use wss://");
  m_refusal.result(http::status::upgrade_required);
  m_refusal.version(11);
  m_refusal.set(http::field::server, "iro-server");
  m_refusal.set(http::field::upgrade, "TLS/1.2, HTTP/1.1");
  m_refusal.set(http::field::content_type, "text/plain; charset=utf-8");
  m_refusal.keep_alive(false);
  m_refusal.body() = std::string(kUseTls) + "\n";
  m_refusal.prepare_payload();
  http::async_write(m_stream, m_refusal,
                    [self = shared_from_this()](beast::error_code, std::size_t) {
                      beast::error_code ignored;
                      self->m_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
                    });
}

}  // namespace iro::server
