#include "iro/transport.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <thread>

#include "client_connection.hpp"
#include "iro/error.hpp"

namespace iro::transport {
namespace {

class SyncProtocol final : public ClientProtocol {
 public:
  SyncProtocol(DeviceStore& store, const TransportOptions& options)
      : m_session(store,
                  options.follow_for.count() > 0 ? DeviceSyncSession::Mode::follow
                                                 : DeviceSyncSession::Mode::until_caught_up,
                  system_clock()),
        m_options(options) {
    if (options.on_event) m_session.set_event_sink(options.on_event);
  }

  Bytes start() override { return m_session.start(m_options.client_name); }
  std::vector<Bytes> receive(std::span<const std::uint8_t> frame) override {
    auto replies = m_session.receive(frame);
    if (m_options.on_progress) m_options.on_progress(m_session.progress());
    return replies;
  }
  bool finished() const override { return m_session.finished(); }
  bool live() const override { return m_session.state() == SyncState::live; }
  std::vector<Bytes> flush() override { return m_session.flush(); }

  const DeviceSyncSession& session() const { return m_session; }

 private:
  DeviceSyncSession m_session;
  const TransportOptions& m_options;
};

class EnrolProtocol final : public ClientProtocol {
 public:
  EnrolProtocol(DeviceStore& store, std::string server_url, std::string server_ca_pem,
                std::string code, std::string device_name)
      : m_session(store, std::move(server_url), std::move(server_ca_pem)),
        m_code(std::move(code)),
        m_device_name(std::move(device_name)) {}

  Bytes start() override { return m_session.start(m_code, m_device_name); }
  std::vector<Bytes> receive(std::span<const std::uint8_t> frame) override {
    m_finished = m_session.receive(frame);
    return {};
  }
  bool finished() const override { return m_finished; }

  const EnrolSession& session() const { return m_session; }

 private:
  EnrolSession m_session;
  std::string m_code;
  std::string m_device_name;
  bool m_finished = false;
};

template <class NextLayer>
ConnectionOutcome run_connection(const ServerAddress& address, ClientProtocol& protocol,
                                 const TransportOptions& options, ssl::context* tls) {
  net::io_context ioc;
  auto connection =
      std::make_shared<ClientConnection<NextLayer>>(ioc, address, protocol, options, tls);
  connection->start();
  ioc.run();
  return connection->outcome();
}

// `tls`: the context for a wss:// address (made once per call, not per attempt).
ConnectionOutcome connect_once(const ServerAddress& address, ClientProtocol& protocol,
                               const TransportOptions& options, ssl::context* tls) {
  if (address.tls) return run_connection<TlsStream>(address, protocol, options, tls);
  return run_connection<PlainStream>(address, protocol, options, nullptr);
}

// The CA file's PEM text; Error(invalid_input) naming it when it cannot be read.
std::string read_ca_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::string pem((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (!file.good() && !file.eof()) pem.clear();
  if (pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    throw Error(ErrorCode::invalid_input,
                "--ca-cert " + path + ": not a readable PEM certificate file");
  }
  return pem;
}

// The TLS context for `address` trusting `ca_pem` (empty: the system's
// roots), or none for ws://.
std::optional<ssl::context> tls_for(const ServerAddress& address, const std::string& ca_pem) {
  if (!address.tls) return std::nullopt;
  return make_client_tls_context(ca_pem);
}

// Waits between connection attempts: doubling from first_backoff up to
// max_backoff, each with up to a quarter of random jitter, so a thousand
// tablets cut off by one server restart do not all come back at once.
class Backoff {
 public:
  explicit Backoff(const TransportOptions& options)
      : m_next(options.first_backoff),
        m_max(options.max_backoff),
        m_random(std::random_device{}()) {}

  std::chrono::milliseconds next() {
    const auto base = m_next;
    m_next = std::min(m_next * 2, m_max);
    std::uniform_int_distribution<std::int64_t> jitter(0, base.count() / 4);
    return base + std::chrono::milliseconds(jitter(m_random));
  }

 private:
  std::chrono::milliseconds m_next;
  std::chrono::milliseconds m_max;
  std::minstd_rand m_random;
};

// A follow window shorter than this is not worth a connection.
constexpr std::chrono::milliseconds kMinFollow{50};

std::chrono::milliseconds remaining_until(std::chrono::steady_clock::time_point deadline) {
  const auto left = deadline - std::chrono::steady_clock::now();
  return std::max(std::chrono::milliseconds(0),
                  std::chrono::duration_cast<std::chrono::milliseconds>(left));
}

bool stop_requested(const TransportOptions& options) {
  return options.stop_requested && options.stop_requested();
}

// Sleeps for `pause`, waking early when asked to stop.
void pause_unless_stopped(std::chrono::milliseconds pause, const TransportOptions& options) {
  const auto until = std::chrono::steady_clock::now() + pause;
  while (!stop_requested(options)) {
    const auto left = remaining_until(until);
    if (left.count() == 0) return;
    std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(100)));
  }
}

// Refusals that say "not now" rather than "no": worth another attempt.
bool is_transient(RefusalCode code) {
  return code == RefusalCode::server_error || code == RefusalCode::overloaded;
}

}  // namespace

SyncReport sync_with_server(DeviceStore& store, const TransportOptions& options) {
  const auto credentials = store.sync_credentials();
  if (!credentials) {
    throw Error(ErrorCode::invalid_input, "this device has not enrolled: run `iro enrol` first");
  }
  const ServerAddress address = parse_server_url(credentials->server);
  // The CA file the caller named for this call, else the one kept at enrolment.
  const std::string ca_pem = options.ca_cert_path.empty() || !address.tls
                                 ? credentials->server_ca_pem
                                 : read_ca_file(options.ca_cert_path);
  std::optional<ssl::context> tls = tls_for(address, ca_pem);
  // Following is a window of time, not a number of connections: a follower
  // whose connection drops keeps reconnecting (with backoff) until it closes.
  const bool following = options.follow_for.count() > 0;
  const auto follow_until = std::chrono::steady_clock::now() + options.follow_for;
  SyncReport report;
  Backoff backoff(options);
  for (report.attempts = 1;; ++report.attempts) {
    TransportOptions attempt = options;
    if (following) attempt.follow_for = std::max(remaining_until(follow_until), kMinFollow);
    SyncProtocol protocol(store, attempt);
    const ConnectionOutcome outcome =
        connect_once(address, protocol, attempt, tls ? &*tls : nullptr);
    const DeviceSyncSession& session = protocol.session();
    report.progress.pushed += session.progress().pushed;
    report.progress.pulled += session.progress().pulled;
    report.progress.blobs_sent += session.progress().blobs_sent;
    report.progress.blobs_received += session.progress().blobs_received;
    report.progress.pull_total = session.progress().pull_total;
    report.progress.pending = store.outbox_size();
    const bool stopped = stop_requested(options);
    const bool window_left = following && !stopped && remaining_until(follow_until) > kMinFollow;
    switch (session.state()) {
      case SyncState::done:
      case SyncState::live:
        // Caught up: a stop only ends the following early.
        if ((outcome.end == ConnectionEnd::finished || stopped) && !window_left) {
          report.result = SyncResult::synced;
          return report;
        }
        if (outcome.end == ConnectionEnd::finished) {
          report.message = "the server closed the connection";
        } else {
          report.message = outcome.message;
        }
        break;
      case SyncState::wiped:
        report.result = SyncResult::wiped;
        report.message = session.wipe_reason();
        return report;
      case SyncState::refused:
        if (!is_transient(session.refusal()->code)) {
          report.result = SyncResult::refused;
          report.message = session.refusal()->reason;
          return report;
        }
        report.message = session.refusal()->reason;
        break;
      default:
        report.message = outcome.message;
        break;
    }
    if (stopped) {
      report.result = SyncResult::cancelled;
      report.message = "the sync was cancelled";
      return report;
    }
    if (outcome.end == ConnectionEnd::protocol_error || outcome.end == ConnectionEnd::untrusted) {
      report.result = SyncResult::refused;
      report.message = outcome.end == ConnectionEnd::untrusted
                           ? outcome.message
                           : "the server broke the protocol: " + outcome.message;
      store.record_sync_failure(report.message, system_clock().now_ms());
      return report;
    }
    store.record_sync_failure(report.message, system_clock().now_ms());
    const bool out_of_attempts = following ? !window_left : report.attempts >= options.max_attempts;
    if (out_of_attempts) {
      report.result = SyncResult::unreachable;
      return report;
    }
    auto pause = backoff.next();
    if (following) pause = std::min(pause, remaining_until(follow_until));
    pause_unless_stopped(pause, options);
    if (stop_requested(options)) {
      report.result = SyncResult::cancelled;
      report.message = "the sync was cancelled";
      return report;
    }
  }
}

EnrolReport enrol_with_server(DeviceStore& store, std::string_view server_url,
                              std::string_view code, const TransportOptions& options) {
  const ServerAddress address = parse_server_url(server_url);
  // The CA the connection is verified with is kept for later syncs: from
  // then on the device trusts that CA alone for this server.
  const std::string ca_pem =
      address.tls && !options.ca_cert_path.empty() ? read_ca_file(options.ca_cert_path) : "";
  std::optional<ssl::context> tls = tls_for(address, ca_pem);
  EnrolReport report;
  Backoff backoff(options);
  for (int attempt = 1;; ++attempt) {
    EnrolProtocol protocol(store, std::string(server_url), ca_pem, std::string(code),
                           options.device_name);
    const ConnectionOutcome outcome =
        connect_once(address, protocol, options, tls ? &*tls : nullptr);
    const EnrolSession& session = protocol.session();
    if (session.enrolled()) {
      report.enrolled = true;
      report.details = *session.result();
      return report;
    }
    if (session.refusal() && !is_transient(session.refusal()->code)) {
      report.refused = true;
      report.message = session.refusal()->reason;
      return report;
    }
    if (stop_requested(options)) {
      report.cancelled = true;
      report.message = "enrolment was cancelled";
      return report;
    }
    report.message = session.refusal() ? session.refusal()->reason : outcome.message;
    if (outcome.end == ConnectionEnd::untrusted) {
      report.refused = true;
      return report;
    }
    if (outcome.end == ConnectionEnd::protocol_error || attempt >= options.max_attempts) {
      return report;
    }
    pause_unless_stopped(backoff.next(), options);
  }
}

}  // namespace iro::transport
