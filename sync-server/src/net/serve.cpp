#include "net/serve.hpp"

#include <spdlog/spdlog.h>

#include <sys/resource.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <iostream>
#include <optional>
#include <thread>
#include <vector>

#include "iro/error.hpp"
#include "net/listener.hpp"
#include "net/tls_context.hpp"
#include "service/blobs.hpp"
#include "service/device_watch.hpp"
#include "service/http_routes.hpp"
#include "service/log_line.hpp"
#include "service/metrics.hpp"
#include "store/store_location.hpp"

namespace iro::server {
namespace {

// How often the server looks for commits made by other processes (an admin
// allocating a child beside the running server) to pass on to live devices.
constexpr std::chrono::seconds kExternalCommitPoll{1};
// How long a stop waits for sessions to finish before cutting them.
constexpr std::chrono::seconds kDrainTimeout{10};

// How often unfinished uploads are looked for (blobs.hpp, kStaleUploadMs).
constexpr std::chrono::hours kStaleUploadSweep{1};
// Descriptors kept for the store, the logs and the listener, not connections.
constexpr rlim_t kReservedDescriptors = 64;

std::uint64_t read_head(ServerStore& store) {
  std::uint64_t head = 0;
  store.read([&](StoreTxn& txn) { head = txn.head_seq(); });
  return head;
}

// The file descriptors this process may hold, raised to the hard limit
// first (each connection holds one; the usual soft limit is 1,024).
rlim_t raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur;
}

ConnectionLimitOptions connection_limits(const ServeConfig& config) {
  const rlim_t descriptors = raise_descriptor_limit();
  const std::size_t room =
      descriptors > 2 * kReservedDescriptors ? descriptors - kReservedDescriptors : descriptors / 2;
  ConnectionLimitOptions options;
  options.total = config.max_connections ? config.max_connections : room;
  options.per_address = config.max_connections_per_address;
  return options;
}

// The token, without the line break a file usually ends with.
std::string read_metrics_token(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream file(path);
  std::string token;
  if (!file || !std::getline(file, token) || token.size() < 16) {
    throw Error(ErrorCode::invalid_input,
                "--metrics-token-file " + path + ": needs a token of at least 16 characters");
  }
  return token;
}

}  // namespace

int serve(const ServeConfig& config) {
  beast::error_code parse_error;
  const auto address = net::ip::make_address(config.host, parse_error);
  if (parse_error) {
    std::cerr << "iro-server: \"" << config.host << "\" is not an IP address\n";
    return 2;
  }
  const bool has_tls = !config.tls_cert.empty() || !config.tls_key.empty();
  if (has_tls && config.insecure_loopback) {
    std::cerr
        << "iro-server: choose TLS (--tls-cert, --tls-key) or --insecure-loopback, not both\n";
    return 2;
  }
  if (has_tls && (config.tls_cert.empty() || config.tls_key.empty())) {
    std::cerr << "iro-server: TLS needs both --tls-cert and --tls-key\n";
    return 2;
  }
  if (!has_tls && !config.insecure_loopback) {
    std::cerr << "iro-server: give --tls-cert and --tls-key (or, for a test on this machine "
                 "only, --insecure-loopback on a loopback address)\n";
    return 2;
  }
  if (config.insecure_loopback && !address.is_loopback()) {
    std::cerr << "iro-server: plaintext (--insecure-loopback) is only allowed on a loopback "
                 "address, not "
              << config.host << "\n";
    return 2;
  }
  std::optional<ssl::context> tls;
  if (has_tls) tls.emplace(make_server_tls_context(config.tls_cert, config.tls_key));
  const std::string metrics_token = read_metrics_token(config.metrics_token_file);

  std::unique_ptr<ServerStore> store = open_server_store({config.data_dir, config.store_url});
  Hub hub;
  std::atomic<std::uint64_t> known_head{read_head(*store)};
  const auto feeds_moved = [&](const std::vector<std::string>& changed_tenants) {
    known_head = read_head(*store);
    hub.notify(changed_tenants);
  };
  Metrics metrics;
  CommitQueue commits(*store, feeds_moved, &metrics);
  // Other nodes' commits, as they happen (PostgreSQL); the poll below
  // catches any the watch misses, and everything on SQLite.
  const std::unique_ptr<CommitWatch> other_nodes = store->watch_other_commits(feeds_moved);
  ServerShared shared{*store, commits, hub, system_clock(), {}, {}, tls ? &*tls : nullptr};
  ConnectionLimits limits(connection_limits(config));
  shared.connection_limits = &limits;
  shared.blob_limits.bytes_per_user = config.attachment_quota_mib * 1024 * 1024;
  AuthThrottle auth_throttle({.max_failures = config.auth_failures_per_minute}, system_clock());
  shared.auth_throttle = &auth_throttle;
  AuthThrottle refused_connection_audit_limit({}, system_clock());  // connection_audit.hpp
  shared.refused_connection_audit_limit = &refused_connection_audit_limit;
  shared.metrics = &metrics;
  // Failed sign-ins to the managers' pages, limited per address on their own.
  AuthThrottle web_sign_in_throttle({.max_failures = config.auth_failures_per_minute},
                                    system_clock());
  ManagerPages pages(*store, commits, system_clock(), web_sign_in_throttle);
  const HttpRoutes routes(
      *store, metrics, system_clock(), [&shared] { return shared.device_sessions.load(); }, &pages,
      metrics_token);
  shared.routes = &routes;

  const unsigned threads =
      config.threads ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  net::io_context ioc(static_cast<int>(threads));
  auto listener = std::make_shared<Listener>(ioc, tcp::endpoint(address, config.port), shared);
  listener->start();

  net::steady_timer poll(ioc);
  std::function<void()> poll_external = [&] {
    poll.expires_after(kExternalCommitPoll);
    poll.async_wait([&](beast::error_code error) {
      if (error) return;
      const std::uint64_t head = read_head(*store);
      if (head > known_head.exchange(head)) hub.notify_all();
      poll_external();
    });
  };
  poll_external();

  // Revoked devices and copied tokens: their sessions end on every node.
  net::steady_timer device_watch(ioc);
  std::function<void()> watch_devices = [&] {
    device_watch.expires_after(kDeviceWatchInterval);
    device_watch.async_wait([&](beast::error_code error) {
      if (error) return;
      watch_devices_once(*store, hub);
      watch_devices();
    });
  };
  watch_devices();

  // Uploads left unfinished are forgotten, so they hold no space for good.
  net::steady_timer upload_sweep(ioc);
  std::function<void()> sweep_uploads = [&] {
    commits.submit(
        [](StoreTxn& txn) {
          const std::size_t removed = remove_stale_uploads(txn, system_clock().now_ms());
          if (removed > 0) {
            spdlog::info("{}",
                         logfmt("stale-uploads-removed", {{"count", std::to_string(removed)}}));
          }
        },
        [](std::exception_ptr) {});
    upload_sweep.expires_after(kStaleUploadSweep);
    upload_sweep.async_wait([&](beast::error_code error) {
      if (!error) sweep_uploads();
    });
  };
  sweep_uploads();

  // Draining: every 50 ms, stop once no session is left, or at the deadline.
  net::steady_timer drain_check(ioc);
  const auto drain_started = std::make_shared<std::chrono::steady_clock::time_point>();
  std::function<void()> check_drained = [&] {
    const bool overdue = std::chrono::steady_clock::now() > *drain_started + kDrainTimeout;
    if (shared.open_sessions == 0 || overdue) {
      if (overdue)
        spdlog::warn(
            "{}", logfmt("drain-cut", {{"sessions", std::to_string(shared.open_sessions.load())}}));
      ioc.stop();
      return;
    }
    drain_check.expires_after(std::chrono::milliseconds(50));
    drain_check.async_wait([&](beast::error_code error) {
      if (!error) check_drained();
    });
  };
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code error, int signal_number) {
    if (error) return;
    spdlog::info("{}",
                 logfmt("draining", {{"signal", std::to_string(signal_number)},
                                     {"sessions", std::to_string(shared.open_sessions.load())}}));
    listener->stop();
    poll.cancel();
    device_watch.cancel();
    upload_sweep.cancel();
    hub.shut_down_all();
    *drain_started = std::chrono::steady_clock::now();
    check_drained();
  });

  const auto endpoint = listener->local_endpoint();
  std::cout << "iro-server listening on " << endpoint.address().to_string() << ":"
            << endpoint.port() << (tls ? " (TLS)" : " (plaintext, loopback only)") << std::endl;

  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& thread : pool) thread.join();
  pages.stop();  // sign-ins being checked are refused, then committed (audited) below
  commits.stop();
  spdlog::info("{}", logfmt("stopped", {{"note", "every acknowledged change is committed"}}));
  return 0;
}

}  // namespace iro::server
