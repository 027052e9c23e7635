// One device's WebSocket connection: accepts the upgrade, reads one binary
// frame at a time into its ServerSession, and writes replies through a
// bounded queue. Everything runs on the connection's strand.
#pragma once

#include <atomic>
#include <deque>
#include <memory>

#include "net/net.hpp"
#include "service/hub.hpp"
#include "service/server_session.hpp"

namespace iro::server {

struct ServerShared {
  ServerStore& store;
  CommitQueue& commits;
  Hub& hub;
  Clock& clock;
  std::atomic<int> open_sessions{0};  // connections not yet destroyed (for draining)
};

class WebsocketSession final : public std::enable_shared_from_this<WebsocketSession>,
                               public LiveSession,
                               public SessionLink {
 public:
  WebsocketSession(tcp::socket&& socket, ServerShared& shared);
  ~WebsocketSession() override;

  void start();

  // LiveSession (any thread)
  void on_store_changed() override;
  void shut_down() override;

  // SessionLink (on the strand)
  void send(Bytes message) override;
  void close_after_sending() override;
  Poster poster() override;
  void resume_reading() override;
  void went_live(const DeviceIdentity& identity) override;
  std::size_t queued_frames() const override { return m_queue.size(); }

  // Frames queued for one client beyond which it is too slow: it is closed.
  static constexpr std::size_t kMaxQueuedFrames = 64;
  // A connection must say Hello (or Enrol) within this long.
  static constexpr std::chrono::seconds kHelloTimeout{30};

 private:
  void on_accept(beast::error_code error);
  void read_next();
  void on_read(beast::error_code error, std::size_t bytes);
  void write_next();
  void on_write(beast::error_code error, std::size_t bytes);
  void close(websocket::close_code code);

  websocket::stream<beast::tcp_stream> m_ws;
  ServerShared& m_shared;
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
};

}  // namespace iro::server
