// The ingest figure: changes a second through the whole path (device
// encode -> WebSocket -> merge -> SQLite commit -> ack) with 50 devices
// pushing at once to a real iro-server process on 127.0.0.1, against the raw
// SQLite insert rate measured in the same run (sqlite_limit.hpp). A change is
// one field value of one record. Also the wire cost: bytes a Push frame
// spends per change, against the change's value.
//
// Each device belongs to an IRO of its own with one child, so no device
// pulls another's notes: the timed sync is the push and its acknowledgement.
// Then the same again into PostgreSQL (the engine for several
// nodes), in a throwaway cluster on this machine (scripts/pg-cluster).
//
//   iro_bench_ingest [--devices N] [--changes-per-device N]
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "iro/protocol.hpp"
#include "iro/store.hpp"
#include "iro/transport.hpp"
#include "report.hpp"
#include "sqlite_limit.hpp"
#include "support/process.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace iro;
using iro::bench::print_figure;
using iro::test::lines_of;
using iro::test::run_process;

constexpr int kFieldsPerVisit = 4;  // note, place, date, visit_type
constexpr double kRatioGoal = 0.25;

struct Options {
  int devices = 50;
  int changes_per_device = 2'000;
};

// Where the server keeps its records: {"--data", DIR} or {"--store", URL}.
using StoreOptions = std::vector<std::string>;

std::string admin(const StoreOptions& store, std::vector<std::string> args) {
  const std::string command = args.front();
  args.insert(args.begin(), store.begin(), store.end());
  args.insert(args.begin(), {IRO_SERVER, "admin"});
  const auto result = run_process(args, "", std::chrono::seconds(60));
  if (result.exit_code != 0) throw std::runtime_error(command + " failed: " + result.err);
  const auto lines = lines_of(result.out);
  return lines.empty() ? "" : lines.back();
}

// A throwaway PostgreSQL cluster (scripts/pg-cluster), stopped when destroyed.
class PgCluster {
 public:
  explicit PgCluster(std::filesystem::path dir) : m_dir(std::move(dir)) {
    const auto started =
        run_process({IRO_PG_CLUSTER, "start", m_dir.string()}, "", std::chrono::seconds(60));
    const auto lines = lines_of(started.out);
    if (started.exit_code != 0 || lines.empty()) {
      throw std::runtime_error("no PostgreSQL cluster: " + started.err);
    }
    m_url = lines.back();
  }
  ~PgCluster() {
    run_process({IRO_PG_CLUSTER, "stop", m_dir.string()}, "", std::chrono::seconds(60));
  }
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  const std::string& url() const { return m_url; }

 private:
  std::filesystem::path m_dir;
  std::string m_url;
};

// A 200-byte visit note, different per device and visit.
std::string note(int device, int visit) {
  std::string text = "Visit " + std::to_string(visit) + " by device " + std::to_string(device) +
                     ": seen at the placement, talked about school and family time. ";
  while (text.size() < 200) text += "Settled and chatty. ";
  return text.substr(0, 200);
}

// The visits a device records offline before the timed sync.
void record_visits(DeviceStore& store, int device, const std::string& child, int visits) {
  std::vector<NewRecord> batch;
  for (int visit = 0; visit < visits; ++visit) {
    NewRecord& record = batch.emplace_back();
    record.kind = Kind::visit;
    record.child_id = child;
    record.fields = {{"note", note(device, visit)},
                     {"place", std::string("Foster home")},
                     {"date", Date::from_ymd(2026, 11, 2)},
                     {"visit_type", std::string("pre_review")}};
  }
  for (const CreateResult& result : store.create_batch(batch)) {
    if (!result.error.empty()) throw std::runtime_error(result.error);
  }
}

// Bytes per change in a Push of `count` visit-note changes, and the note's own bytes.
void print_wire_figures() {
  std::vector<Change> changes;
  for (int i = 0; i < 500; ++i) {
    Change change;
    change.doc_id = "01890a5d-ac96-774b-bcce-b3020" + std::to_string(9'000'000 + i);
    change.kind = Kind::visit;
    change.child_id = "DEMO-0001";
    change.field = "note";
    change.value = note(0, i);
    change.hlc = Hlc::from_parts(1'790'000'000'000 + std::uint64_t(i), 0);
    change.device_seq = std::uint64_t(i + 1);
    changes.push_back(std::move(change));
  }
  const double frame = double(encode_message(Push{changes}).size());
  const double per_change = frame / double(changes.size());
  print_figure("wire_bytes_per_change", per_change, "bytes", "null", "null");
  print_figure("wire_overhead_per_200_byte_value", per_change / 200.0, "ratio", "null", "null");
}

// Changes a second through the whole path, into the store `store` names
// (devices and logs in `dir`).
double measure_ingest(const std::filesystem::path& dir, const StoreOptions& store,
                      const Options& options) {
  std::filesystem::create_directories(dir);
  admin(store, {"demo-county", "--children", std::to_string(options.devices), "--no-reviews"});
  std::vector<std::string> codes;
  for (int i = 0; i < options.devices; ++i) {
    const std::string user = admin(store, {"add-user", "--tenant", "demo-county", "--name",
                                           "Bench Iro " + std::to_string(i), "--role", "iro"});
    char child[16];
    std::snprintf(child, sizeof child, "DEMO-%04d", i + 1);
    admin(store, {"allocate", "--child", child, "--user", user});
    codes.push_back(admin(store, {"enrol", "--user", user}));
  }
  StoreOptions serve_options = {"--insecure-loopback"};
  if (store.front() == "--store")
    serve_options.insert(serve_options.end(), store.begin(), store.end());
  iro::test::ServerProcess server(IRO_SERVER, dir / "server", 0, serve_options);

  transport::TransportOptions transport_options;
  transport_options.client_name = "iro-bench-ingest";
  std::vector<std::unique_ptr<DeviceStore>> devices;
  const int visits = options.changes_per_device / kFieldsPerVisit;
  for (int i = 0; i < options.devices; ++i) {
    auto& device = devices.emplace_back(
        DeviceStore::open(dir / ("device-" + std::to_string(i) + ".db"), {.durable = false}));
    const auto enrolled = transport::enrol_with_server(*device, server.url(), codes[std::size_t(i)],
                                                       transport_options);
    if (!enrolled.enrolled) throw std::runtime_error("enrol: " + enrolled.message);
    if (transport::sync_with_server(*device, transport_options).result !=
        transport::SyncResult::synced) {
      throw std::runtime_error("first sync failed");
    }
    char child[16];
    std::snprintf(child, sizeof child, "DEMO-%04d", i + 1);
    record_visits(*device, i, child, visits);
  }

  // Timed: every device syncs at once.
  std::vector<std::size_t> pushed(devices.size(), 0);
  std::vector<std::string> failures(devices.size());
  const auto start = std::chrono::steady_clock::now();
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < devices.size(); ++i) {
      threads.emplace_back([&, i] {
        const auto report = transport::sync_with_server(*devices[i], transport_options);
        pushed[i] = report.progress.pushed;
        if (report.result != transport::SyncResult::synced) failures[i] = report.message;
      });
    }
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  std::size_t total = 0;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    if (!failures[i].empty()) throw std::runtime_error("device sync failed: " + failures[i]);
    total += pushed[i];
  }
  std::fprintf(stderr, "iro_bench_ingest: %s: %zu changes from %d devices in %.2f s\n",
               store.front() == "--store" ? "PostgreSQL" : "SQLite", total, options.devices,
               elapsed.count());
  server.stop(std::chrono::seconds(10));
  return double(total) / elapsed.count();
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--devices" && i + 1 < argc) {
      options.devices = std::atoi(argv[++i]);
    } else if (arg == "--changes-per-device" && i + 1 < argc) {
      options.changes_per_device = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s [--devices N] [--changes-per-device N]\n", argv[0]);
      return 2;
    }
  }
  if (options.devices < 1 || options.changes_per_device < kFieldsPerVisit) {
    std::fprintf(stderr, "iro_bench_ingest: at least 1 device and %d changes each\n",
                 kFieldsPerVisit);
    return 2;
  }
  try {
    iro::test::TempDir dir;
    const double ingest =
        measure_ingest(dir / "sqlite", {"--data", (dir / "sqlite" / "server").string()}, options);

    const double limit = bench::sqlite_rows_per_second(dir / "raw.db", 100'000, bench::Keys::none);
    const double ratio = ingest / limit;
    print_figure("ingest_changes_per_s", ingest, "changes/s", "null", "null");
    print_figure("ingest_sqlite_raw_rows_per_s", limit, "rows/s", "null", "null");
    print_figure("ingest_vs_sqlite_ratio", ratio, "ratio", "0.25",
                 ratio >= kRatioGoal ? "true" : "false");
    print_wire_figures();
    // The same devices and changes into PostgreSQL, for a council that runs
    // several nodes, on a throwaway cluster on this machine.
    // (Not under the temp dir: the cluster belongs to the postgres user when
    // run as root, and the temp dir is private.)
    PgCluster cluster(std::filesystem::temp_directory_path() /
                      ("iro-bench-pg-" + std::to_string(::getpid())));
    const double pg_ingest = measure_ingest(dir / "postgres", {"--store", cluster.url()}, options);
    print_figure("ingest_postgres_changes_per_s", pg_ingest, "changes/s", "null", "null");
  } catch (const std::exception& error) {
    std::fprintf(stderr, "iro_bench_ingest: %s\n", error.what());
    return 1;
  }
  return 0;
}
