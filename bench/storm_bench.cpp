// The return-to-office storm: 2,000 devices come back online within a
// few seconds, each with changes recorded offline to push and a caseload's
// worth of changes to pull, against a real iro-server process on 127.0.0.1.
// Reports the time from each device's connect to its session being done
// (pushed, acknowledged, pulled and applied), p50 and p99, and the server's
// peak resident memory (VmHWM).
//
// Shape (councils.hpp): one IRO per device, each with 4 children, so a
// device pulls its own caseload and never another device's pushes, in
// councils of 20 IROs (a server holds many councils; a pull looks through
// its council's changes, so --iros-per-council 2000 is a harder test).
// Before the storm every device enrols and syncs its caseload (4 records);
// then, offline, it records 10 visits of 5 fields on its children (50
// changes to push), while the server receives 10 visits of 5 fields on each
// of those children from colleagues (200 changes to pull). All devices run
// on one client thread through the device transport's connection class
// (fleet.hpp); the client's CPU time is reported beside the server's, as
// both share the machine.
//
//   iro_bench_storm [--devices N] [--spread-ms MS] [--iros-per-council N]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "councils.hpp"
#include "fleet.hpp"
#include "iro/store.hpp"
#include "iro/sync_session.hpp"
#include "report.hpp"
#include "support/process.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace iro;
using Steady = std::chrono::steady_clock;

constexpr int kChildrenPerIro = 4;
constexpr int kOfflineVisits = 10;    // of 5 fields each: 50 changes to push
constexpr int kColleagueVisits = 10;  // on each child, of 5 fields: 200 changes to pull
constexpr double kP99GoalMs = 2000;

struct Options {
  int devices = 2'000;
  int spread_ms = 2'500;  // devices connect evenly within this
  int iros_per_council = 20;
};

// Trades the device's code for its token (once, before the storm).
class EnrolDevice final : public bench::FleetProtocol {
 public:
  EnrolDevice(DeviceStore& store, std::string url, std::string code)
      : m_session(store, std::move(url)), m_code(std::move(code)) {}
  Bytes start() override { return m_session.start(m_code, "bench tablet"); }
  std::vector<Bytes> receive(std::span<const std::uint8_t> frame) override {
    m_finished = m_session.receive(frame);
    return {};
  }
  bool finished() const override { return m_finished; }
  bool enrolled() const { return m_session.enrolled(); }

 private:
  EnrolSession m_session;
  std::string m_code;
  bool m_finished = false;
};

// One sync until caught up, as `iro sync` runs it.
class SyncDevice final : public bench::FleetProtocol {
 public:
  explicit SyncDevice(DeviceStore& store)
      : m_session(store, DeviceSyncSession::Mode::until_caught_up, system_clock()) {}
  Bytes start() override { return m_session.start("iro-bench-storm"); }
  std::vector<Bytes> receive(std::span<const std::uint8_t> frame) override {
    return m_session.receive(frame);
  }
  bool finished() const override { return m_session.finished(); }
  const DeviceSyncSession& session() const { return m_session; }

 private:
  DeviceSyncSession m_session;
};

// Runs a fleet of `protocols` to the end on this thread, `spread_ms` apart
// in all; throws when one fails.
template <class Protocol>
void run_fleet(const std::string& url, std::vector<std::unique_ptr<Protocol>>& protocols,
               int spread_ms, std::chrono::seconds limit, const char* what) {
  bench::Fleet fleet(url);
  const auto count = std::int64_t(protocols.size());
  for (std::int64_t i = 0; i < count; ++i) {
    fleet.add(*protocols[std::size_t(i)], std::chrono::milliseconds(i * spread_ms / count));
  }
  if (!fleet.run(limit)) {
    for (const bench::FleetTiming& timing : fleet.timings()) {
      if (!timing.failure.empty())
        throw std::runtime_error(std::string(what) + ": " + timing.failure);
    }
    throw std::runtime_error(std::string(what) + " did not finish");
  }
}

// The visits a device records offline on its children: kOfflineVisits x 5 field values.
void record_offline(DeviceStore& store, const std::vector<std::string>& children) {
  std::vector<NewRecord> batch;
  for (int visit = 0; visit < kOfflineVisits; ++visit) {
    NewRecord& record = batch.emplace_back();
    record.kind = Kind::visit;
    record.child_id = children[std::size_t(visit) % children.size()];
    record.fields = {{"date", Date::from_ymd(2026, 11, 2)},
                     {"place", std::string("Foster home")},
                     {"visit_type", std::string("pre_review")},
                     {"seen_alone", false},
                     {"note", "Back at the office: visit " + std::to_string(visit) +
                                  " written up offline, settled and chatty."}};
  }
  for (const CreateResult& result : store.create_batch(batch)) {
    if (!result.error.empty()) throw std::runtime_error("record: " + result.error);
  }
}

// Runs job(0..count-1) on a few threads: creating thousands of SQLite files
// waits on the disk more than on the CPU. Each store is used by one thread at
// a time (and by the fleet's thread once these have joined).
void in_parallel(int count, const std::function<void(int)>& job) {
  constexpr int kThreads = 8;
  std::vector<std::exception_ptr> failures(kThreads);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        try {
          for (int i = t; i < count; i += kThreads) job(i);
        } catch (...) {
          failures[std::size_t(t)] = std::current_exception();
        }
      });
    }
  }
  for (const auto& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
}

double ms_between(Steady::time_point from, Steady::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

double seconds_since(Steady::time_point from) {
  return std::chrono::duration<double>(Steady::now() - from).count();
}

double client_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--devices" && i + 1 < argc) {
      options.devices = std::atoi(argv[++i]);
    } else if (arg == "--spread-ms" && i + 1 < argc) {
      options.spread_ms = std::atoi(argv[++i]);
    } else if (arg == "--iros-per-council" && i + 1 < argc) {
      options.iros_per_council = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s [--devices N] [--spread-ms MS] [--iros-per-council N]\n",
                   argv[0]);
      return 2;
    }
  }
  if (options.devices < 1 || options.spread_ms < 0 || options.iros_per_council < 1) {
    std::fprintf(stderr,
                 "iro_bench_storm: at least 1 device and IRO a council; spread 0 ms or more\n");
    return 2;
  }
  try {
    const auto setup_started = Steady::now();
    iro::test::TempDir dir;
    const auto data = dir / "server";
    const bench::Councils councils =
        bench::make_councils(data, {.iros = options.devices,
                                    .iros_per_council = options.iros_per_council,
                                    .children_per_iro = kChildrenPerIro});
    const auto caseload = [&](int device) {
      std::vector<std::string> children;
      for (int c = 0; c < kChildrenPerIro; ++c) {
        children.push_back(councils.children[std::size_t(device * kChildrenPerIro + c)].id);
      }
      return children;
    };

    std::fprintf(stderr, "iro_bench_storm: councils made (%.1f s)\n", seconds_since(setup_started));

    // Every device enrols and syncs its caseload, then goes offline.
    std::vector<std::unique_ptr<DeviceStore>> stores;
    {
      iro::test::ServerProcess server(IRO_SERVER, data);
      std::vector<std::unique_ptr<EnrolDevice>> enrolments;
      stores.resize(std::size_t(options.devices));
      in_parallel(options.devices, [&](int i) {
        stores[std::size_t(i)] =
            DeviceStore::open(dir / ("device-" + std::to_string(i) + ".db"), {.durable = false});
      });
      for (int i = 0; i < options.devices; ++i) {
        enrolments.push_back(std::make_unique<EnrolDevice>(*stores[std::size_t(i)], server.url(),
                                                           councils.codes[std::size_t(i)]));
      }
      const int spread_ms = options.devices;  // a thousand a second
      std::fprintf(stderr, "iro_bench_storm: councils and device stores made (%.1f s)\n",
                   seconds_since(setup_started));
      run_fleet(server.url(), enrolments, spread_ms, std::chrono::seconds(120), "enrolment");
      std::fprintf(stderr, "iro_bench_storm: enrolled (%.1f s)\n", seconds_since(setup_started));
      std::vector<std::unique_ptr<SyncDevice>> first_syncs;
      for (auto& store : stores) first_syncs.push_back(std::make_unique<SyncDevice>(*store));
      run_fleet(server.url(), first_syncs, spread_ms, std::chrono::seconds(120), "first sync");
      for (const auto& sync : first_syncs) {
        if (sync->session().progress().pulled !=
            std::size_t(kChildrenPerIro * bench::kChildRecordFields)) {
          throw std::runtime_error("a first sync pulled " +
                                   std::to_string(sync->session().progress().pulled) + " changes");
        }
      }
      bench::warn_unless_stopped_cleanly("iro_bench_storm", "enrolment",
                                         server.stop(std::chrono::seconds(15)));
    }
    in_parallel(options.devices, [&](int i) {
      record_offline(*stores[std::size_t(i)], caseload(i));
      if (stores[std::size_t(i)]->outbox_size() != 5 * kOfflineVisits) {
        throw std::runtime_error("expected " + std::to_string(5 * kOfflineVisits) +
                                 " changes in the outbox");
      }
    });
    bench::add_visits(data, councils.children, kColleagueVisits);
    const int to_pull = kChildrenPerIro * kColleagueVisits * bench::kServerVisitFields;
    std::fprintf(stderr,
                 "iro_bench_storm: %d devices enrolled and synced; each has %d changes to push and "
                 "%d to pull (setup %.1f s)\n",
                 options.devices, 5 * kOfflineVisits, to_pull, seconds_since(setup_started));

    // Timed, on a freshly started server so its peak memory is the storm's.
    // ServerProcess finds its port in DIR.log: keep the first server's apart.
    std::filesystem::rename(data.string() + ".log", data.string() + "-enrolment.log");
    iro::test::ServerProcess server(IRO_SERVER, data);
    std::vector<std::unique_ptr<SyncDevice>> devices;
    bench::Fleet fleet(server.url());
    for (int i = 0; i < options.devices; ++i) {
      auto& device = devices.emplace_back(std::make_unique<SyncDevice>(*stores[std::size_t(i)]));
      fleet.add(*device,
                std::chrono::milliseconds(std::int64_t(i) * options.spread_ms / options.devices));
    }
    const double server_cpu_before = test::process_cpu_seconds(server.pid());
    const double client_cpu_before = client_cpu_seconds();
    const auto storm_started = Steady::now();
    const bool all_finished = fleet.run(std::chrono::seconds(300));
    const double storm_seconds = seconds_since(storm_started);
    const double server_cpu = test::process_cpu_seconds(server.pid()) - server_cpu_before;
    const double client_cpu = client_cpu_seconds() - client_cpu_before;
    const double peak_mb = double(bench::proc_status_bytes(server.pid(), "VmHWM")) / 1048576.0;
    bench::warn_unless_stopped_cleanly("iro_bench_storm", "measured",
                                       server.stop(std::chrono::seconds(15)));

    std::vector<double> times_ms;
    Steady::time_point first_connect = Steady::time_point::max();
    Steady::time_point last_connect = Steady::time_point::min();
    std::size_t pushed = 0;
    std::size_t pulled = 0;
    for (std::size_t i = 0; i < devices.size(); ++i) {
      const bench::FleetTiming& timing = fleet.timings()[i];
      const DeviceSyncSession& session = devices[i]->session();
      if (!timing.failure.empty() || session.state() != SyncState::done) {
        throw std::runtime_error("device " + std::to_string(i) + " did not sync (" +
                                 std::string(to_string(session.state())) + "): " + timing.failure);
      }
      times_ms.push_back(ms_between(timing.connect_started, timing.finished));
      first_connect = std::min(first_connect, timing.connect_started);
      last_connect = std::max(last_connect, timing.connect_started);
      if (session.progress().pushed != 5 * kOfflineVisits ||
          session.progress().pulled != std::size_t(to_pull)) {
        throw std::runtime_error("device " + std::to_string(i) + " pushed " +
                                 std::to_string(session.progress().pushed) + " and pulled " +
                                 std::to_string(session.progress().pulled));
      }
      pushed += session.progress().pushed;
      pulled += session.progress().pulled;
    }
    if (!all_finished) throw std::runtime_error("the storm did not finish");
    const double p50 = bench::percentile(times_ms, 50);
    const double p99 = bench::percentile(times_ms, 99);
    std::fprintf(stderr,
                 "iro_bench_storm: %d devices started connecting within %.0f ms (%d asked); all "
                 "synced in %.2f s "
                 "(slowest device %.0f ms); pushed %zu, pulled %zu changes (%.1f and %.1f a "
                 "device); CPU: server %.1f s, client %.1f s; server peak %.0f MB\n",
                 options.devices, ms_between(first_connect, last_connect), options.spread_ms,
                 storm_seconds, bench::percentile(times_ms, 100), pushed, pulled,
                 double(pushed) / double(devices.size()), double(pulled) / double(devices.size()),
                 server_cpu, client_cpu, peak_mb);
    bench::print_figure("storm_p50_ms", p50, "ms", "null", "null");
    bench::print_figure("storm_p99_ms", p99, "ms", "2000", p99 < kP99GoalMs ? "true" : "false");
    bench::print_figure("storm_server_peak_mb", peak_mb, "MB", "null", "null");
  } catch (const std::exception& error) {
    std::fprintf(stderr, "iro_bench_storm: %s\n", error.what());
    return 1;
  }
  return 0;
}
