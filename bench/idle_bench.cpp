// The idle figure: the server's memory per authenticated session that
// is connected and doing nothing (a tablet left open on a desk): N sessions
// each say Hello, are welcomed, and then stay connected, answering the
// server's WebSocket pings (sent after 30 s of quiet; a session silent for
// 60 s is closed, so a hold past 60 s shows the pings are answered).
// With --live each also pulls once (nothing: its IRO has no children) and so
// becomes live, as a following tablet does; a commit then wakes only the
// live sessions of the councils whose feed it moved. 10,000 live sessions
// held: 9.9 KB each, as idle ones.
// Reports (server VmRSS with N held - VmRSS before) / N. One IRO and device per session
// (councils.hpp), enrolled through the server's Enrol message; the sessions run on two client
// threads through the device transport's connection class (fleet.hpp), half on each, so the memory
// at N/2 is measured too (the cost of one more session, without the server's fixed costs).
//
// File descriptors: one per connection on each side; the bench raises its
// soft limit to the hard one, and the server it starts inherits that.
//
//   iro_bench_idle [--sessions N] [--spread-ms MS] [--hold-s S] [--live]
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "councils.hpp"
#include "fleet.hpp"
#include "iro/protocol.hpp"
#include "iro/uuid.hpp"
#include "report.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace iro;
using Steady = std::chrono::steady_clock;

constexpr double kGoalBytes = 100 * 1024;

struct Options {
  int sessions = 10'000;
  int spread_ms = 10'000;  // each half connects evenly within half of this
  int hold_s = 65;         // past the server's idle timeout (60 s)
  bool live = false;
};

// Trades a code for a device token; the device is only an id here (no
// store: the idle sessions need nothing but their credentials).
class EnrolDevice final : public bench::FleetProtocol {
 public:
  EnrolDevice(std::string device_id, std::string code)
      : m_device_id(std::move(device_id)), m_code(std::move(code)) {}
  Bytes start() override { return encode_message(Enrol{m_code, m_device_id, "bench tablet"}); }
  std::vector<Bytes> receive(std::span<const std::uint8_t> frame) override {
    const Message message = decode_message(frame);
    if (const auto* enrolled = std::get_if<Enrolled>(&message)) m_token = enrolled->device_token;
    m_finished = true;
    return {};
  }
  bool finished() const override { return m_finished; }
  const std::string& device_id() const { return m_device_id; }
  const std::string& token() const { return m_token; }  // empty: refused

 private:
  std::string m_device_id;
  std::string m_code;
  std::string m_token;
  bool m_finished = false;
};

// Hello, Welcome, then nothing (with `pull`: one Pull caught up first, so
// the server counts the session live, as a device following it).
class IdleDevice final : public bench::FleetProtocol {
 public:
  IdleDevice(const EnrolDevice& device, bool pull, std::atomic<int>& live_count)
      : m_device(device), m_pull(pull), m_live_count(live_count) {}
  Bytes start() override {
    return encode_message(Hello{m_device.device_id(), m_device.token(), 0, "iro-bench-idle", 0});
  }
  std::vector<Bytes> receive(std::span<const std::uint8_t> frame) override {
    const Message message = decode_message(frame);
    if (std::holds_alternative<Welcome>(message)) {
      if (m_pull) return {encode_message(Pull{0, 500})};
      return settle();
    }
    if (const auto* changes = std::get_if<Changes>(&message)) {
      if (changes->more) return {encode_message(Pull{changes->next_cursor, 500})};
      return settle();
    }
    if (const auto* ping = std::get_if<Ping>(&message)) return {encode_message(Pong{ping->nonce})};
    if (const auto* refused = std::get_if<Refused>(&message)) {
      std::fprintf(stderr, "iro_bench_idle: refused: %s\n", refused->reason.c_str());
      m_finished = true;
    }
    if (std::holds_alternative<Wipe>(message)) m_finished = true;
    return {};  // ScopeChanged: nothing to purge
  }
  bool finished() const override { return m_finished; }
  bool live() const override { return m_live; }

 private:
  std::vector<Bytes> settle() {
    if (!m_live) ++m_live_count;
    m_live = true;
    return {};
  }

  const EnrolDevice& m_device;
  bool m_pull;
  std::atomic<int>& m_live_count;
  bool m_live = false;
  bool m_finished = false;
};

// Raises the soft descriptor limit to the hard one; throws when even that
// cannot hold `needed`.
void ensure_descriptors(std::uint64_t needed) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < needed) {
    throw std::runtime_error("needs " + std::to_string(needed) +
                             " file descriptors; the hard limit (ulimit -Hn) is " +
                             std::to_string(limit.rlim_cur));
  }
}

// Open sockets of a process: the sessions it holds, and its listener.
int count_sockets(pid_t pid) {
  int sockets = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    std::error_code error;
    if (std::filesystem::read_symlink(entry.path(), error).string().starts_with("socket:")) {
      ++sockets;
    }
  }
  return sockets;
}

// Waits until `count` devices are live; false after `limit`, or when none
// has gone live for 20 s (the rest failed: the fleet says why once stopped).
bool wait_until_live(const std::atomic<int>& live, int count, std::chrono::seconds limit) {
  const auto deadline = Steady::now() + limit;
  int seen = live;
  auto last_progress = Steady::now();
  while (live < count) {
    if (live != seen) {
      seen = live;
      last_progress = Steady::now();
    }
    if (Steady::now() > deadline || Steady::now() - last_progress > std::chrono::seconds(20)) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

// Stops the fleets and throws, saying how many sessions never went live and
// why the first of them ended.
[[noreturn]] void fail(std::string what, std::initializer_list<bench::Fleet*> fleets) {
  std::size_t failed = 0;
  std::string first;
  for (bench::Fleet* fleet : fleets) {
    fleet->stop();
    for (const bench::FleetTiming& timing : fleet->timings()) {
      if (timing.done) continue;
      if (failed++ == 0) first = timing.failure;
    }
  }
  throw std::runtime_error(what + "; " + std::to_string(failed) +
                           " never went live, the first: " + first);
}

double seconds_since(Steady::time_point from) {
  return std::chrono::duration<double>(Steady::now() - from).count();
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--sessions" && i + 1 < argc) {
      options.sessions = std::atoi(argv[++i]);
    } else if (arg == "--spread-ms" && i + 1 < argc) {
      options.spread_ms = std::atoi(argv[++i]);
    } else if (arg == "--hold-s" && i + 1 < argc) {
      options.hold_s = std::atoi(argv[++i]);
    } else if (arg == "--live") {
      options.live = true;
    } else {
      std::fprintf(stderr, "usage: %s [--sessions N] [--spread-ms MS] [--hold-s S] [--live]\n",
                   argv[0]);
      return 2;
    }
  }
  if (options.sessions < 2 || options.spread_ms < 0 || options.hold_s < 0) {
    std::fprintf(stderr, "iro_bench_idle: at least 2 sessions; spread and hold 0 or more\n");
    return 2;
  }
  try {
    const auto started = Steady::now();
    ensure_descriptors(std::uint64_t(options.sessions) + 256);
    iro::test::TempDir dir;
    const auto data = dir / "server";
    const bench::Councils councils = bench::make_councils(data, {.iros = options.sessions});

    // Enrolment, on a server of its own: the measured one starts fresh.
    std::vector<std::unique_ptr<EnrolDevice>> devices;
    {
      iro::test::ServerProcess server(IRO_SERVER, data);
      bench::Fleet fleet(server.url());
      UuidV7Generator ids;
      const auto count = std::int64_t(options.sessions);
      for (std::int64_t i = 0; i < count; ++i) {
        devices.push_back(std::make_unique<EnrolDevice>(ids.next(system_clock().now_ms()),
                                                        councils.codes[std::size_t(i)]));
        fleet.add(*devices.back(), std::chrono::milliseconds(i * options.spread_ms / 2 / count));
      }
      const bool finished = fleet.run(std::chrono::seconds(120));
      for (const auto& device : devices) {
        if (device->token().empty()) throw std::runtime_error("a device was not enrolled");
      }
      if (!finished) throw std::runtime_error("enrolment did not finish");
      bench::warn_unless_stopped_cleanly("iro_bench_idle", "enrolment",
                                         server.stop(std::chrono::seconds(15)));
    }
    std::fprintf(stderr, "iro_bench_idle: %d devices enrolled (%.1f s)\n", options.sessions,
                 seconds_since(started));

    // ServerProcess finds its port in DIR.log: keep the first server's apart.
    std::filesystem::rename(data.string() + ".log", data.string() + "-enrolment.log");
    iro::test::ServerProcess server(IRO_SERVER, data);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const auto rss_before = bench::proc_status_bytes(server.pid(), "VmRSS");

    // Two halves, each on its own thread, one after the other.
    std::atomic<int> live{0};
    std::vector<std::unique_ptr<IdleDevice>> sessions;
    auto first_half = std::make_unique<bench::Fleet>(server.url());
    auto second_half = std::make_unique<bench::Fleet>(server.url());
    const int half = options.sessions / 2;
    for (int i = 0; i < options.sessions; ++i) {
      const bool first = i < half;
      const int index = first ? i : i - half;
      const int size = first ? half : options.sessions - half;
      sessions.push_back(
          std::make_unique<IdleDevice>(*devices[std::size_t(i)], options.live, live));
      (first ? first_half : second_half)
          ->add(*sessions.back(),
                std::chrono::milliseconds(std::int64_t(index) * options.spread_ms / 2 / size));
    }
    const auto connect_limit = std::chrono::seconds(60 + options.spread_ms / 1000);
    const auto connecting = Steady::now();
    first_half->start();
    if (!wait_until_live(live, half, connect_limit)) {
      fail(std::to_string(live) + " of " + std::to_string(half) + " sessions live",
           {first_half.get()});
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));  // audit commits settle
    const auto rss_half = bench::proc_status_bytes(server.pid(), "VmRSS");
    second_half->start();
    if (!wait_until_live(live, options.sessions, connect_limit)) {
      fail(std::to_string(live) + " of " + std::to_string(options.sessions) + " sessions live",
           {first_half.get(), second_half.get()});
    }
    const double connect_seconds = seconds_since(connecting);
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const auto rss_all = bench::proc_status_bytes(server.pid(), "VmRSS");

    std::this_thread::sleep_for(std::chrono::seconds(options.hold_s));
    const auto rss_held = bench::proc_status_bytes(server.pid(), "VmRSS");
    const auto peak = bench::proc_status_bytes(server.pid(), "VmHWM");
    const int held = count_sockets(server.pid()) - 1;  // less the listener
    for (auto* fleet : {first_half.get(), second_half.get()}) {
      fleet->stop();
      for (const bench::FleetTiming& timing : fleet->timings()) {
        if (!timing.done) throw std::runtime_error("a session was not live: " + timing.failure);
      }
    }
    // Hang up before the server stops, or it would wait for closes nobody answers.
    first_half.reset();
    second_half.reset();
    bench::warn_unless_stopped_cleanly("iro_bench_idle", "measured",
                                       server.stop(std::chrono::seconds(15)));
    if (held < options.sessions) {
      throw std::runtime_error("only " + std::to_string(held) + " of " +
                               std::to_string(options.sessions) + " sessions held after " +
                               std::to_string(options.hold_s) + " s");
    }

    const auto per_session = [](std::uint64_t from, std::uint64_t to, int count) {
      return (double(to) - double(from)) / double(count);
    };
    const double bytes = per_session(rss_before, rss_held, options.sessions);
    const double mb = 1048576.0;
    std::fprintf(stderr,
                 "iro_bench_idle: %d sessions live in %.1f s, %d still held after %d s; server "
                 "RSS %.1f MB before, %.1f MB at %d, %.1f MB at %d, %.1f MB held (peak %.1f "
                 "MB); the second half cost %.0f bytes a session (%.1f s in all)\n",
                 options.sessions, connect_seconds, held, options.hold_s, double(rss_before) / mb,
                 double(rss_half) / mb, half, double(rss_all) / mb, options.sessions,
                 double(rss_held) / mb, double(peak) / mb,
                 per_session(rss_half, rss_all, options.sessions - half), seconds_since(started));
    bench::print_figure("idle_bytes_per_session", bytes, "bytes", "102400",
                        bytes < kGoalBytes ? "true" : "false");
  } catch (const std::exception& error) {
    std::fprintf(stderr, "iro_bench_idle: %s\n", error.what());
    return 1;
  }
  return 0;
}
