#include "e2e/forging_client.hpp"

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace iro::test {
namespace {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

}  // namespace

struct ForgingClient::State {
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buffer;
  std::deque<Message> inbox;
  std::string received_bytes;
  bool closed = false;

  // Reads for as long as the connection lives; run by receive().
  void read_next() {
    ws.async_read(buffer, [this](beast::error_code error, std::size_t) {
      if (error) {
        closed = true;
        return;
      }
      const auto data = buffer.cdata();
      const std::span frame(static_cast<const std::uint8_t*>(data.data()), data.size());
      received_bytes.append(reinterpret_cast<const char*>(frame.data()), frame.size());
      inbox.push_back(decode_message(frame));
      buffer.consume(buffer.size());
      read_next();
    });
  }
};

ForgingClient::ForgingClient(std::uint16_t port, const std::string& source)
    : m_state(std::make_unique<State>()) {
  tcp::socket& socket = beast::get_lowest_layer(m_state->ws).socket();
  socket.open(tcp::v4());
  socket.bind(tcp::endpoint(net::ip::make_address(source), 0));
  beast::get_lowest_layer(m_state->ws).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(m_state->ws)
      .connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  m_state->ws.handshake("127.0.0.1:" + std::to_string(port), "/");
  beast::get_lowest_layer(m_state->ws).expires_never();
  m_state->ws.binary(true);
  m_state->ws.read_message_max(64 * 1024 * 1024);
  m_state->read_next();
}

ForgingClient::~ForgingClient() = default;

void ForgingClient::send(const Message& message) {
  send_bytes(encode_message(message));
}

void ForgingClient::send_bytes(const Bytes& frame) {
  beast::error_code error;
  m_state->ws.write(net::buffer(frame), error);
  if (error) m_state->closed = true;
}

std::optional<Message> ForgingClient::receive(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (m_state->inbox.empty() && !m_state->closed) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    m_state->ioc.restart();
    m_state->ioc.run_one_for(deadline - now);
  }
  if (m_state->inbox.empty()) return std::nullopt;
  Message message = std::move(m_state->inbox.front());
  m_state->inbox.pop_front();
  return message;
}

Message ForgingClient::hello(const std::string& device_id, const std::string& token,
                             std::uint64_t cursor) {
  Hello hello;
  hello.device_id = device_id;
  hello.device_token = token;
  hello.cursor = cursor;
  hello.client = "forging-client";
  send(hello);
  for (;;) {
    std::optional<Message> answer = receive();
    REQUIRE_MESSAGE(answer.has_value(), "no answer to Hello");
    if (std::holds_alternative<Welcome>(*answer) || std::holds_alternative<Refused>(*answer) ||
        std::holds_alternative<Wipe>(*answer)) {
      return *answer;
    }
  }
}

std::vector<ChangeEntry> ForgingClient::pull_all() {
  std::vector<ChangeEntry> entries;
  std::uint64_t cursor = 0;
  for (int page = 0; page < 100; ++page) {
    send(Pull{cursor, 500});
    Changes changes = expect<Changes>();
    entries.insert(entries.end(), changes.entries.begin(), changes.entries.end());
    cursor = changes.next_cursor;
    if (!changes.more) return entries;
  }
  FAIL("a pull did not end within 100 pages");
  return entries;
}

std::vector<PushResult> ForgingClient::push(std::vector<Change> changes) {
  send(Push{std::move(changes)});
  return expect<PushAck>().results;
}

bool ForgingClient::closed() const {
  return m_state->closed;
}

const std::string& ForgingClient::received_bytes() const {
  return m_state->received_bytes;
}

Change forged_change(std::string doc_id, Kind kind, std::string child_id, std::string field,
                     Value value, std::uint64_t device_seq, std::uint64_t base) {
  Change change;
  change.doc_id = std::move(doc_id);
  change.kind = kind;
  change.child_id = std::move(child_id);
  change.field = std::move(field);
  change.value = std::move(value);
  change.hlc = Hlc::from_parts(system_clock().now_ms(), 0);
  change.device_seq = device_seq;
  change.base = base;
  return change;
}

}  // namespace iro::test
