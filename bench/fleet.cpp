#include "fleet.hpp"

#include <deque>
#include <thread>

#include "client_connection.hpp"

namespace iro::bench {
namespace {

using Connection = transport::ClientConnection<transport::PlainStream>;

// Runs a FleetProtocol as the transport's ClientProtocol and notes when it
// got where it was going (finished, or live for an idle device).
class Member final : public transport::ClientProtocol {
 public:
  Member(FleetProtocol& protocol, FleetTiming& timing) : m_protocol(protocol), m_timing(timing) {}

  Bytes start() override { return m_protocol.start(); }
  std::vector<Bytes> receive(std::span<const std::uint8_t> frame) override {
    auto replies = m_protocol.receive(frame);
    if (!m_timing.done && (m_protocol.finished() || m_protocol.live())) {
      m_timing.done = true;
      m_timing.finished = std::chrono::steady_clock::now();
    }
    return replies;
  }
  bool finished() const override { return m_protocol.finished(); }
  bool live() const override { return m_protocol.live(); }

 private:
  FleetProtocol& m_protocol;
  FleetTiming& m_timing;
};

}  // namespace

struct Fleet::Impl {
  explicit Impl(std::string url) : address(transport::parse_server_url(url)) {
    // An idle device follows until the fleet stops; nothing to flush.
    options.follow_for = std::chrono::hours(1);
    options.flush_every = std::chrono::hours(1);
  }

  // Declared first so it is destroyed last: the connections' pending
  // handlers, destroyed with it, hold the connections.
  boost::asio::io_context ioc{1};
  transport::ServerAddress address;
  transport::TransportOptions options;
  std::deque<FleetTiming> timings;  // deques: members point into them
  std::deque<Member> members;
  std::vector<std::shared_ptr<Connection>> connections;
  std::vector<std::unique_ptr<boost::asio::steady_timer>> starts;
  std::vector<std::chrono::milliseconds> delays;
  std::vector<FleetTiming> results;
  std::jthread thread;

  void schedule() {
    for (std::size_t i = 0; i < connections.size(); ++i) {
      auto& timer = *starts.emplace_back(std::make_unique<boost::asio::steady_timer>(ioc));
      timer.expires_after(delays[i]);
      timer.async_wait([this, i](boost::system::error_code error) {
        if (error) return;
        timings[i].connect_started = std::chrono::steady_clock::now();
        connections[i]->start();
      });
    }
  }

  // After the io_context has stopped: each connection's outcome.
  void collect() {
    results.assign(timings.begin(), timings.end());
    for (std::size_t i = 0; i < connections.size(); ++i) {
      const auto& outcome = connections[i]->outcome();
      FleetTiming& result = results[i];
      if (result.connect_started == std::chrono::steady_clock::time_point{}) {
        result.failure = "never connected (stopped first)";
      } else if (outcome.end != transport::ConnectionEnd::finished) {
        result.failure = outcome.message.empty() ? "cut when the fleet stopped" : outcome.message;
      }
    }
  }
};

Fleet::Fleet(std::string url) : m_impl(std::make_unique<Impl>(std::move(url))) {}

Fleet::~Fleet() {
  if (m_impl->thread.joinable()) stop();
}

void Fleet::add(FleetProtocol& protocol, std::chrono::milliseconds delay) {
  FleetTiming& timing = m_impl->timings.emplace_back();
  Member& member = m_impl->members.emplace_back(protocol, timing);
  m_impl->connections.push_back(
      std::make_shared<Connection>(m_impl->ioc, m_impl->address, member, m_impl->options, nullptr));
  m_impl->delays.push_back(delay);
}

bool Fleet::run(std::chrono::milliseconds limit) {
  m_impl->schedule();
  m_impl->ioc.run_for(limit);
  const bool all_ended = m_impl->ioc.stopped();
  m_impl->ioc.stop();
  m_impl->collect();
  for (const FleetTiming& timing : m_impl->results) {
    if (!timing.done || !timing.failure.empty()) return false;
  }
  return all_ended;
}

void Fleet::start() {
  m_impl->schedule();
  m_impl->thread = std::jthread([impl = m_impl.get()] { impl->ioc.run(); });
}

void Fleet::stop() {
  m_impl->ioc.stop();
  if (m_impl->thread.joinable()) m_impl->thread.join();
  m_impl->collect();
}

const std::vector<FleetTiming>& Fleet::timings() const {
  return m_impl->results;
}

}  // namespace iro::bench
