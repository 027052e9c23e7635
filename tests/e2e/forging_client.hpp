// A device that speaks the wire protocol directly, for the attack suite: it
// sends whatever frames a test forges (another device's record ids, a reused
// device_seq, a Pull it should not send) to a real iro-server on 127.0.0.1,
// and collects every message the server sends back. Not a device: it keeps no
// store, merges nothing, and answers no Ping.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "iro/protocol.hpp"

namespace iro::test {

class ForgingClient {
 public:
  // Connects to ws://127.0.0.1:port and completes the WebSocket handshake.
  // `source`: the local address to connect from (another loopback address,
  // 127.0.0.2, is another client to the server's per-address limits).
  explicit ForgingClient(std::uint16_t port, const std::string& source = "127.0.0.1");
  ~ForgingClient();
  ForgingClient(const ForgingClient&) = delete;
  ForgingClient& operator=(const ForgingClient&) = delete;

  void send(const Message& message);
  void send_bytes(const Bytes& frame);

  // The next message the server sent, waiting at most `limit`; nullopt when
  // none came (or the connection closed: closed() says).
  std::optional<Message> receive(std::chrono::milliseconds limit = std::chrono::seconds(10));
  // The next message of type T, passing over the others (a Ping, a live
  // page); fails the test (REQUIRE) when none comes within `limit`.
  template <class T>
  T expect(std::chrono::milliseconds limit = std::chrono::seconds(10));

  // Says Hello as the device and returns the server's answer (Welcome,
  // Refused or Wipe).
  Message hello(const std::string& device_id, const std::string& token, std::uint64_t cursor = 0);
  // Pulls until caught up (the session is then live); returns every entry.
  std::vector<ChangeEntry> pull_all();
  // One Push; returns its PushAck's results.
  std::vector<PushResult> push(std::vector<Change> changes);

  bool closed() const;
  // Every byte of every frame the server sent so far: for checking that some
  // words never crossed the wire, however they were wrapped.
  const std::string& received_bytes() const;

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

// A change as a device would send it, numbered `device_seq`.
Change forged_change(std::string doc_id, Kind kind, std::string child_id, std::string field,
                     Value value, std::uint64_t device_seq, std::uint64_t base = 0);

}  // namespace iro::test

#include "e2e/forging_client_impl.hpp"
