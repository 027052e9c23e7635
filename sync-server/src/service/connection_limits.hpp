// How many connections the server holds at once, in total and from one
// address (an IPv6 address by its /64, as AuthThrottle groups them): one
// client, or one busy network, cannot take every connection, and the total
// stays below the process's file descriptors. Thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace iro::server {

struct ConnectionLimitOptions {
  std::size_t total = 4096;
  std::size_t per_address = 256;  // a council office's tablets may share one address
};

class ConnectionLimits {
 public:
  explicit ConnectionLimits(ConnectionLimitOptions options) : m_options(options) {}

  // A connection's place, given back when the last copy is destroyed.
  class Slot {
   public:
    Slot(ConnectionLimits& limits, std::string group)
        : m_limits(limits), m_group(std::move(group)) {}
    ~Slot() { m_limits.release(m_group); }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    ConnectionLimits& m_limits;
    std::string m_group;
  };

  // A place for a connection from `address`, or null when it is over a
  // limit (the connection is then closed at once). `over_total` says which.
  std::shared_ptr<Slot> admit(std::string_view address, bool* over_total = nullptr);

  std::size_t open() const;
  const ConnectionLimitOptions& options() const { return m_options; }

 private:
  void release(const std::string& group);

  ConnectionLimitOptions m_options;
  mutable std::mutex m_lock;
  std::size_t m_total = 0;
  std::unordered_map<std::string, std::size_t> m_by_group;
};

}  // namespace iro::server
