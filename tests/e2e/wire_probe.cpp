#include "e2e/wire_probe.hpp"

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <memory>

namespace iro::test {
namespace {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

}  // namespace

ProbeReply probe_server(std::uint16_t port, const std::vector<ProbeFrame>& frames,
                        std::chrono::milliseconds listen_for) {
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws(ioc);
  ProbeReply reply;
  beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(ws).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  ws.handshake("127.0.0.1:" + std::to_string(port), "/");
  ws.read_message_max(64 * 1024 * 1024);

  std::size_t next_frame = 0;
  beast::flat_buffer buffer;
  bool done = false;
  std::function<void()> write_next = [&] {
    if (next_frame == frames.size()) return;
    const ProbeFrame& frame = frames[next_frame++];
    ws.binary(frame.binary);
    ws.async_write(net::buffer(frame.bytes), [&](beast::error_code error, std::size_t) {
      if (error) {
        if (reply.error.empty()) reply.error = "write: " + error.message();
        return;
      }
      write_next();
    });
  };
  std::function<void()> read_next = [&] {
    ws.async_read(buffer, [&](beast::error_code error, std::size_t) {
      if (error) {
        if (error == websocket::error::closed) {
          reply.closed = true;
          reply.close_code = ws.reason().code;
        } else if (reply.error.empty()) {
          reply.error = error.message();
        }
        done = true;
        return;
      }
      const auto data = buffer.cdata();
      reply.messages.push_back(
          decode_message(std::span(static_cast<const std::uint8_t*>(data.data()), data.size())));
      buffer.consume(buffer.size());
      read_next();
    });
  };
  beast::get_lowest_layer(ws).expires_never();
  write_next();
  read_next();
  ioc.run_for(listen_for);
  (void)done;
  return reply;
}

struct SilentClient::State {
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
};

SilentClient::SilentClient(std::uint16_t port) : m_state(new State) {
  beast::get_lowest_layer(m_state->ws).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(m_state->ws)
      .connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  m_state->ws.handshake("127.0.0.1:" + std::to_string(port), "/");
}

SilentClient::~SilentClient() {
  delete m_state;
}

}  // namespace iro::test
