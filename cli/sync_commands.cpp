// enrol, sync, rejected: the device's side of the server.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli_context.hpp"
#include "iro/error.hpp"
#include "iro/json.hpp"
#include "iro/server_url.hpp"
#include "iro/transport.hpp"

namespace iro::cli {
namespace {

// Exit status after a wipe: the command did what the server asked, but a
// script should notice that the device's records are gone.
constexpr int kExitWiped = 3;

struct EnrolOptions {
  std::string server;
  std::string code;
  std::string name = "iro command line";
  std::string ca_cert;
};

struct SyncOptions {
  double follow_seconds = 0;
  int attempts = 5;
  std::string ca_cert;
};

void print_progress(std::ostream& err, const SyncProgress& progress, std::uint64_t& last_pulled) {
  if (progress.pulled == last_pulled || progress.pull_total == 0) return;
  last_pulled = progress.pulled;
  err << "iro: pulled " << progress.pulled << " of " << progress.pull_total << " changes\n";
}

}  // namespace

void add_sync_commands(CLI::App& app, CliContext& context) {
  auto enrol_options = std::make_shared<EnrolOptions>();
  auto* enrol = app.add_subcommand("enrol", "Enrol this device with a one-time code");
  enrol
      ->add_option("--server", enrol_options->server,
                   "wss://HOST:PORT (ws:// only to this machine)")
      ->required();
  enrol->add_option("--code", enrol_options->code, "The code an administrator issued")->required();
  enrol->add_option("--name", enrol_options->name, "A name for this device");
  enrol->add_option("--ca-cert", enrol_options->ca_cert,
                    "The server's CA certificate (PEM) for wss://; kept, and trusted alone "
                    "for later syncs (default: the system's roots)");
  enrol->callback([&context, enrol_options] {
    // A bad address, or plain ws:// to another machine, is refused before
    // anything: no store is made for it and no connection tried.
    parse_server_url(enrol_options->server);
    DeviceStore& store = context.store();
    if (store.sync_credentials()) {
      throw Error(ErrorCode::invalid_input, "this device is already enrolled");
    }
    transport::TransportOptions options;
    options.device_name = enrol_options->name;
    options.ca_cert_path = enrol_options->ca_cert;
    const auto report =
        transport::enrol_with_server(store, enrol_options->server, enrol_options->code, options);
    if (!report.enrolled) {
      throw Error(ErrorCode::invalid_input, "enrolment refused: " + report.message);
    }
    context.out() << "enrolled device " << report.details.device_id << " for user "
                  << report.details.user_id << " (" << report.details.tenant << ")\n";
  });

  auto sync_options = std::make_shared<SyncOptions>();
  auto* sync = app.add_subcommand("sync", "Push local changes, then pull until caught up");
  sync->add_option("--follow", sync_options->follow_seconds,
                   "Then stay connected this many seconds, live")
      ->check(CLI::Range(0.0, 86400.0));
  sync->add_option("--attempts", sync_options->attempts, "Connection attempts before giving up")
      ->check(CLI::Range(1, 100));
  sync->add_option("--ca-cert", sync_options->ca_cert,
                   "Trust this CA certificate for the server this time (default: the one "
                   "given at enrolment)");
  sync->callback([&context, sync_options] {
    transport::TransportOptions options;
    options.ca_cert_path = sync_options->ca_cert;
    options.client_name = "iro-cli 0.1.0";
    options.max_attempts = sync_options->attempts;
    options.follow_for =
        std::chrono::milliseconds(static_cast<std::int64_t>(sync_options->follow_seconds * 1000));
    std::uint64_t last_pulled = 0;
    options.on_progress = [&](const SyncProgress& progress) {
      print_progress(context.err(), progress, last_pulled);
    };
    DeviceStore& store = context.store();
    const auto report = transport::sync_with_server(store, options);
    switch (report.result) {
      case transport::SyncResult::synced:
        context.out() << "synced: pushed " << report.progress.pushed << ", pulled "
                      << report.progress.pulled << "; " << report.progress.pending
                      << " changes waiting\n";
        if (report.progress.blobs_sent + report.progress.blobs_received > 0) {
          context.out() << "attachments: sent " << report.progress.blobs_sent << ", fetched "
                        << report.progress.blobs_received << "\n";
        }
        return;
      case transport::SyncResult::refused:
        throw Error(ErrorCode::invalid_input, "the server refused this device: " + report.message);
      case transport::SyncResult::cancelled:  // the command line never asks to stop
      case transport::SyncResult::unreachable:
        throw Error(ErrorCode::storage_busy,
                    "could not sync after " + std::to_string(report.attempts) + " attempts (" +
                        report.message + "); " + std::to_string(report.progress.pending) +
                        " changes wait in the outbox and will be sent next time");
      case transport::SyncResult::wiped:
        context.close_and_destroy_store();
        context.err() << "iro: this device was revoked (" << report.message
                      << "); its local records have been deleted\n";
        context.exit_code = kExitWiped;
        return;
    }
  });

  auto* rejected = app.add_subcommand(
      "rejected", "Changes the server refused, with the reason (one JSON line each)");
  rejected->callback([&context] {
    for (const RejectedChange& entry : context.store().rejected_changes()) {
      const nlohmann::json line = {{"doc_id", entry.change.doc_id},
                                   {"kind", std::string(to_string(entry.change.kind))},
                                   {"child_id", entry.change.child_id},
                                   {"field", entry.change.field},
                                   {"value", value_to_json(entry.change.value)},
                                   {"reason", entry.reason}};
      context.out() << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }
  });
}

}  // namespace iro::cli
