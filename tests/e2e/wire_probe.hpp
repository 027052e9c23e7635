// A raw WebSocket client for tests that must send what a well-behaved
// device never would: malformed, oversized, out-of-order or text frames.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "iro/protocol.hpp"

namespace iro::test {

struct ProbeReply {
  std::vector<Message> messages;  // what the server sent back, decoded
  bool closed = false;            // the server closed the connection
  int close_code = 0;             // its WebSocket close code (1009: too big)
  std::string error;              // how the connection ended otherwise
};

struct ProbeFrame {
  Bytes bytes;
  bool binary = true;
};

// The first refusal among the messages a probe got back, or null.
inline const Refused* refusal_in(const ProbeReply& reply) {
  for (const Message& message : reply.messages) {
    if (const auto* refused = std::get_if<Refused>(&message)) return refused;
  }
  return nullptr;
}

// Connects to 127.0.0.1:port, sends the frames in order, then reads until
// the server closes or `listen_for` passes.
ProbeReply probe_server(std::uint16_t port, const std::vector<ProbeFrame>& frames,
                        std::chrono::milliseconds listen_for = std::chrono::seconds(5));

// Opens a TCP connection that completes the WebSocket handshake and then says
// nothing, for as long as the returned object lives.
class SilentClient {
 public:
  explicit SilentClient(std::uint16_t port);
  ~SilentClient();
  SilentClient(const SilentClient&) = delete;
  SilentClient& operator=(const SilentClient&) = delete;

 private:
  struct State;
  State* m_state;
};

}  // namespace iro::test
