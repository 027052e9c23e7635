// init, status, list, show, export, outbox: looking at what the device holds.
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli_context.hpp"
#include "iro/date.hpp"
#include "iro/error.hpp"
#include "iro/hlc.hpp"
#include "iro/json.hpp"
#include "iro/status_json.hpp"

namespace iro::cli {
namespace {

using nlohmann::json;

// What the officer reads: how much is not yet on the server, and why not.
void print_status(std::ostream& out, const DeviceStatus& status) {
  out << "device " << status.device_id << "\n";
  if (!status.user_id.empty())
    out << "enrolled for " << status.user_id << " at " << status.server << "\n";
  out << "not yet on the server: " << status.pending_changes << " changes\n";
  if (status.rejected_changes > 0) {
    out << "refused by the server: " << status.rejected_changes
        << " changes (kept; see `iro rejected`)\n";
  }
  if (!status.timescale_policy.empty()) {
    out << "council's timescales: " << status.timescale_policy << "\n";
  }
  out << "last sync: "
      << (status.last_sync_ms ? format_utc_ms(*status.last_sync_ms) : std::string("never")) << "\n";
  if (!status.last_sync_error.empty()) {
    out << "last attempt failed"
        << (status.last_sync_error_ms ? " at " + format_utc_ms(*status.last_sync_error_ms) : "")
        << ": " << status.last_sync_error << "\n";
  }
  if (status.stuck_since_ms) {
    out << "STUCK: changes have waited since " << format_utc_ms(*status.stuck_since_ms)
        << " without reaching the server"
        << (status.last_sync_error.empty() ? "" : " (" + status.last_sync_error + ")") << "\n";
  }
  if (status.locked) {
    out << "LOCKED: the offline lease ran out; records are locked until `iro sync` succeeds\n";
  } else if (status.lease_expires_ms) {
    out << "offline lease until " << format_utc_ms(*status.lease_expires_ms) << "\n";
  }
}

// The first thing a person would want to see about a record in a listing.
std::string summary_of(const Document& document) {
  for (const char* field :
       {"note", "body", "summary", "notes", "recommendations", "first_name", "date"}) {
    if (const Value* value = document.field(field)) return describe(*value, 50);
  }
  return document.fields.empty() ? "" : describe(document.fields.begin()->second, 50);
}

std::optional<Kind> kind_option(const std::string& name) {
  if (name.empty()) return std::nullopt;
  if (auto kind = parse_kind(name)) return kind;
  throw Error(ErrorCode::invalid_input, "\"" + name + "\" is not a record kind");
}

}  // namespace

void add_store_commands(CLI::App& app, CliContext& context) {
  auto* init = app.add_subcommand("init", "Create the device store; prints the device id");
  init->callback([&context] { context.out() << context.store().device_id() << "\n"; });

  auto* status = app.add_subcommand("status", "What this device holds and when it last synced");
  // Option values live as long as the callbacks that read them (CLI11 keeps both).
  auto status_as_json = std::make_shared<bool>(false);
  status->add_flag("--json", *status_as_json, "Print one JSON object");
  status->callback([&context, status_as_json] {
    const DeviceStatus current = context.store().status();
    if (*status_as_json) {
      context.out() << device_status_json(current).dump() << "\n";
      return;
    }
    print_status(context.out(), current);
  });

  auto* list = app.add_subcommand("list", "One line per record: id, kind, child, summary");
  struct ListOptions {
    std::string child;
    std::string kind;
    bool deleted = false;
  };
  auto list_options = std::make_shared<ListOptions>();
  list->add_option("--child", list_options->child, "Only this child's records");
  list->add_option("--kind", list_options->kind, "Only records of this kind (visit, review...)");
  list->add_flag("--deleted", list_options->deleted, "Include deleted records");
  list->callback([&context, list_options] {
    DocumentQuery query;
    query.kind = kind_option(list_options->kind);
    if (!list_options->child.empty()) query.child_id = list_options->child;
    query.include_deleted = list_options->deleted;
    for (const Document& document : context.store().query(query)) {
      context.out() << document.id << "  " << to_string(document.kind) << "  " << document.child_id
                    << "  " << summary_of(document) << (document.deleted ? "  (deleted)" : "")
                    << "\n";
    }
  });

  auto* show = app.add_subcommand("show", "One record as JSON");
  auto show_id = std::make_shared<std::string>();
  show->add_option("ID", *show_id, "The record's id")->required();
  show->callback([&context, show_id] {
    const auto document = context.store().get(*show_id);
    if (!document) throw Error(ErrorCode::not_found, "no document " + *show_id);
    context.out() << document_to_json(*document).dump(2, ' ', false, json::error_handler_t::replace)
                  << "\n";
  });

  auto* export_command =
      app.add_subcommand("export", "Every record the device holds, as canonical JSON sorted by id");
  export_command->add_flag("--json")->description(
      "JSON (the default and, so far, the only format)");
  export_command->callback([&context] {
    context.out() << export_json(context.store().query(DocumentQuery::everything()));
  });

  auto* outbox = app.add_subcommand("outbox", "Changes waiting to be pushed, oldest first");
  outbox->callback([&context] {
    for (const Change& change : context.store().outbox()) {
      const json line = {{"device_seq", change.device_seq},
                         {"doc_id", change.doc_id},
                         {"kind", std::string(to_string(change.kind))},
                         {"child_id", change.child_id},
                         {"op", change.op == ChangeOp::set_field ? "set" : "delete"},
                         {"field", change.field},
                         {"value", value_to_json(change.value)},
                         {"hlc", change.hlc.to_string()},
                         {"base", change.base}};
      context.out() << line.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
    }
  });
}

}  // namespace iro::cli
