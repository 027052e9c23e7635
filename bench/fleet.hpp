// Many devices' connections to one server, driven from one thread: each
// device speaks a FleetProtocol over ws:// through the device transport's own
// connection class (mobile-bridge/transport/src/client_connection.hpp), so the
// benchmarks run the client code `iro sync` runs, thousands at a time. No
// Beast in this header (it costs seconds per source file that includes it).
//
// Not thread-safe: add() before run() or start(); the protocols are called
// on the fleet's thread only, and must outlive the fleet.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "iro/codec.hpp"

namespace iro::bench {

// One device's side of a connection, as transport's ClientProtocol.
class FleetProtocol {
 public:
  virtual ~FleetProtocol() = default;
  virtual Bytes start() = 0;  // the first frame
  // The frames to answer `frame` with; may throw iro::Error.
  virtual std::vector<Bytes> receive(std::span<const std::uint8_t> frame) = 0;
  virtual bool finished() const = 0;  // true: close the connection
  // true: stay connected and answer pings until the fleet stops (an idle device).
  virtual bool live() const { return false; }
};

struct FleetTiming {
  std::chrono::steady_clock::time_point connect_started;
  std::chrono::steady_clock::time_point finished;  // when finished() first said true
  bool done = false;
  std::string failure;  // why the connection ended early (after run() or stop())
};

class Fleet {
 public:
  // `url`: ws://127.0.0.1:PORT (the server's --insecure-loopback).
  explicit Fleet(std::string url);
  ~Fleet();  // cuts every connection still open
  Fleet(const Fleet&) = delete;
  Fleet& operator=(const Fleet&) = delete;

  // Connects `protocol` `delay` after run() or start() begins.
  void add(FleetProtocol& protocol, std::chrono::milliseconds delay);

  // Runs on this thread until every connection has ended, or for at most
  // `limit` (then cuts the rest). Returns true when all finished.
  bool run(std::chrono::milliseconds limit);

  // Runs on a thread of its own, for idle devices; stop() ends it.
  void start();
  void stop();

  // One per add(), in order; complete once run() or stop() has returned.
  const std::vector<FleetTiming>& timings() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace iro::bench
