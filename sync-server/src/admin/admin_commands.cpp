#include "admin/admin_commands.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "admin/attachment_commands.hpp"
#include "admin/audit_commands.hpp"
#include "admin/demo_county_setup.hpp"
#include "admin/template_commands.hpp"
#include "admin/timescales_commands.hpp"
#include "admin/web_login_commands.hpp"
#include "iro/error.hpp"
#include "iro/json.hpp"
#include "service/accounts.hpp"
#include "service/caseload.hpp"
#include "service/children_csv.hpp"
#include "store/store_location.hpp"

namespace iro::server {
namespace {

Role role_or_throw(const std::string& name) {
  if (auto role = parse_role(name)) return *role;
  throw Error(ErrorCode::invalid_input, "\"" + name + "\" is not a role (iro, manager, admin)");
}

}  // namespace

std::string read_text_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(ErrorCode::not_found, "cannot read " + path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

ServerStore& AdminContext::store() {
  if (!m_store) {
    m_store = open_server_store({data_dir, store_url});
  }
  return *m_store;
}

void AdminContext::write_audited(AuditAction action,
                                 const std::function<void(StoreTxn&, AuditRow&)>& job) {
  AuditRow row = admin_audit_row(action, system_clock().now_ms());
  try {
    store().write([&](StoreTxn& txn) {
      job(txn, row);
      row.detail = audit_detail(row.detail);
      txn.append_audit(row);
    });
  } catch (const std::exception& error) {
    append_refusal(row, error);
    throw;
  }
}

void AdminContext::read_audited(AuditAction action,
                                const std::function<void(StoreTxn&, AuditRow&)>& job) {
  AuditRow row = admin_audit_row(action, system_clock().now_ms());
  try {
    store().read([&](StoreTxn& txn) { job(txn, row); });
  } catch (const std::exception& error) {
    append_refusal(row, error);
    throw;
  }
  row.detail = audit_detail(row.detail);
  store().write([&](StoreTxn& txn) { txn.append_audit(row); });
}

void AdminContext::append_refusal(AuditRow row, const std::exception& error) {
  row.outcome = std::string(to_string(AuditOutcome::refused));
  row.detail = audit_detail(error.what());
  try {
    store().write([&](StoreTxn& txn) { txn.append_audit(row); });
  } catch (const std::exception&) {
    // The store itself failed: the command's own error says so.
  }
}

void add_admin_commands(CLI::App& admin, AdminContext& context) {
  auto* add_tenant_command = admin.add_subcommand("add-tenant", "Add a council; prints its name");
  auto tenant_name = std::make_shared<std::string>();
  add_tenant_command->add_option("NAME", *tenant_name, "e.g. durham")->required();
  add_tenant_command->callback([&context, tenant_name] {
    context.write_audited(AuditAction::add_tenant, [&](StoreTxn& txn, AuditRow& row) {
      row.tenant = *tenant_name;
      add_tenant(txn, *tenant_name, system_clock().now_ms());
      row.detail = "council added";
    });
    context.out() << *tenant_name << "\n";
  });

  struct UserOptions {
    std::string tenant, name, role;
  };
  auto user = std::make_shared<UserOptions>();
  auto* add_user_command = admin.add_subcommand("add-user", "Add a user; prints the user id last");
  add_user_command->add_option("--tenant", user->tenant, "The council")->required();
  add_user_command->add_option("--name", user->name, "The person's name")->required();
  add_user_command->add_option("--role", user->role, "iro, manager or admin")->required();
  add_user_command->callback([&context, user] {
    const Role role = role_or_throw(user->role);
    UuidV7Generator ids;
    std::string id;
    context.write_audited(AuditAction::add_user, [&](StoreTxn& txn, AuditRow& row) {
      row.tenant = user->tenant;
      id = add_user(txn, user->tenant, user->name, role, ids, system_clock().now_ms());
      row.user_id = id;
      row.detail = "user added, role " + std::string(to_string(role));  // never the name
    });
    context.out() << id << "\n";
  });

  struct ImportOptions {
    std::string tenant, file;
  };
  auto import = std::make_shared<ImportOptions>();
  auto* import_command = admin.add_subcommand(
      "import-children", "Import children from the case system's CSV; bad rows are reported");
  import_command->add_option("--tenant", import->tenant, "The council")->required();
  import_command->add_option("FILE", import->file, "CSV with a header row")->required();
  import_command->callback([&context, import] {
    const ParsedChildren parsed = parse_children_csv(read_text_file(import->file),
                                                     Date::from_unix_ms(system_clock().now_ms()));
    std::size_t changed = 0;
    UuidV7Generator ids;
    std::size_t refused = 0;
    for (const CsvProblem& problem : parsed.problems) {
      if (problem.line > 1) ++refused;
    }
    context.write_audited(AuditAction::import_children, [&](StoreTxn& txn, AuditRow& row) {
      row.tenant = import->tenant;
      TxnClock clock(txn, system_clock());
      changed = import_children(txn, import->tenant, parsed.rows, clock, ids);
      clock.save();
      row.detail = "children imported: " + std::to_string(parsed.rows.size()) + " (" +
                   std::to_string(changed) +
                   " new or changed); rows refused: " + std::to_string(refused);
    });
    for (const CsvProblem& problem : parsed.problems) {
      context.out() << "line " << problem.line << ": " << problem.reason << "\n";
    }
    context.out() << "imported " << parsed.rows.size() << " children (" << changed
                  << " new or changed), refused " << refused << " rows\n";
    if (refused > 0) {
      context.err() << "iro-server: " << refused << " rows refused (listed above); the other "
                    << parsed.rows.size() << " were imported\n";
      context.exit_code = 1;
    }
  });

  struct AllocateOptions {
    std::string child, user;
  };
  auto allocation = std::make_shared<AllocateOptions>();
  auto* allocate_command = admin.add_subcommand("allocate", "Allocate a child to an IRO");
  allocate_command->add_option("--child", allocation->child, "The child's id")->required();
  allocate_command->add_option("--user", allocation->user, "The user id")->required();
  allocate_command->callback([&context, allocation] {
    context.write_audited(AuditAction::allocate, [&](StoreTxn& txn, AuditRow& row) {
      row.user_id = allocation->user;
      row.child_id = allocation->child;
      std::optional<std::string> previous;
      if (const auto found = txn.user(allocation->user)) {
        row.tenant = found->tenant;
        previous = txn.allocated_user(found->tenant, allocation->child);
      }
      TxnClock clock(txn, system_clock());
      allocate_child(txn, allocation->child, allocation->user, clock);
      clock.save();
      row.detail = previous && *previous != allocation->user
                       ? "allocated to this user; it was user " + *previous + "'s"
                       : "allocated to this user";
    });
  });

  auto enrol_user = std::make_shared<std::string>();
  auto* enrol_command =
      admin.add_subcommand("enrol", "Issue a one-time enrolment code; prints it last");
  enrol_command->add_option("--user", *enrol_user, "The user whose device it is")->required();
  enrol_command->callback([&context, enrol_user] {
    std::string code;
    context.write_audited(AuditAction::enrol_code, [&](StoreTxn& txn, AuditRow& row) {
      row.user_id = *enrol_user;
      if (const auto found = txn.user(*enrol_user)) row.tenant = found->tenant;
      const std::uint64_t now = system_clock().now_ms();
      code = issue_enrolment_code(txn, *enrol_user, now);
      // Never the code itself: whoever reads the log must not be able to enrol.
      row.detail = "one-time enrolment code issued, valid until " +
                   format_utc_ms(now + kEnrolmentCodeLifetimeMs);
    });
    context.out() << code << "\n";
  });

  struct RevokeOptions {
    std::string device;
    bool collect_first = false;
  };
  auto revoke = std::make_shared<RevokeOptions>();
  auto* revoke_command = admin.add_subcommand("revoke", "Revoke a lost device: it will wipe");
  revoke_command->add_option("--device", revoke->device, "The device id")->required();
  revoke_command->add_flag("--collect-first", revoke->collect_first,
                           "Let it push its unsynced changes before wiping");
  revoke_command->callback([&context, revoke] {
    context.write_audited(AuditAction::revoke, [&](StoreTxn& txn, AuditRow& row) {
      row.device_id = revoke->device;
      if (const auto found = txn.device(revoke->device)) {
        row.tenant = found->tenant;
        row.user_id = found->user_id;
      }
      revoke_device(txn, revoke->device, revoke->collect_first, system_clock().now_ms());
      row.detail = revoke->collect_first
                       ? "revoked: it pushes its changes, then wipes, at its next connection"
                       : "revoked: it wipes at its next connection";
    });
  });

  auto devices_user = std::make_shared<std::string>();
  auto* devices_command = admin.add_subcommand(
      "devices", "Enrolled devices, one JSON line each: last seen, how far behind, revoked");
  devices_command->add_option("--user", *devices_user, "Only this user's devices");
  devices_command->callback([&context, devices_user] {
    std::vector<DeviceRow> devices;
    std::uint64_t head = 0;
    context.store().read([&](StoreTxn& txn) {
      devices = txn.devices(*devices_user);
      head = txn.head_seq();
    });
    for (const DeviceRow& device : devices) {
      nlohmann::json line = {
          {"device_id", device.id},
          {"user_id", device.user_id},
          {"tenant", device.tenant},
          {"name", device.name},
          {"enrolled", format_utc_ms(device.enrolled_ms)},
          {"last_seen", format_utc_ms(device.last_seen_ms)},
          {"cursor", device.last_cursor},
          // An upper bound: changes outside its scope count too.
          {"behind", head - std::min(head, device.last_cursor)},
          {"revoked", device.revoked_ms ? nlohmann::json(format_utc_ms(*device.revoked_ms))
                                        : nlohmann::json(nullptr)}};
      context.out() << line.dump() << "\n";
    }
  });

  struct QuarantineOptions {
    std::string tenant;
    std::size_t limit = 100;
  };
  auto quarantine = std::make_shared<QuarantineOptions>();
  auto* quarantine_command = admin.add_subcommand(
      "quarantine",
      "Changes the server refused, newest first, one JSON line each, with the reason");
  quarantine_command->add_option("--tenant", quarantine->tenant, "Only this council's");
  quarantine_command->add_option("--limit", quarantine->limit, "At most this many (100)")
      ->check(CLI::Range(1, 100000));
  quarantine_command->callback([&context, quarantine] {
    std::vector<HistoryRow> rows;
    // Audited: the quarantine holds the words of refused changes.
    context.read_audited(AuditAction::quarantine, [&](StoreTxn& txn, AuditRow& row) {
      row.tenant = quarantine->tenant;
      rows = txn.quarantine(quarantine->tenant, quarantine->limit);
      row.detail = "refused changes listed: " + std::to_string(rows.size());
    });
    for (const HistoryRow& row : rows) {
      const nlohmann::json line = {{"received", format_utc_ms(row.received_ms)},
                                   {"tenant", row.tenant},
                                   {"device_id", row.change.device_id},
                                   {"doc_id", row.change.doc_id},
                                   {"kind", std::string(to_string(row.change.kind))},
                                   {"child_id", row.change.child_id},
                                   {"field", row.change.field},
                                   {"value", value_to_json(row.change.value)},
                                   {"reason", row.reason}};
      context.out() << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }
  });

  auto export_user = std::make_shared<std::string>();
  auto* export_command = admin.add_subcommand(
      "export", "The records a user's devices may hold, as `iro export --json` prints them");
  export_command->add_option("--user", *export_user, "The user id")->required();
  export_command->callback([&context, export_user] {
    std::vector<Document> documents;
    context.read_audited(AuditAction::export_records, [&](StoreTxn& txn, AuditRow& row) {
      row.user_id = *export_user;
      const auto found = txn.user(*export_user);
      if (!found) throw Error(ErrorCode::not_found, "no user " + *export_user);
      row.tenant = found->tenant;
      documents = txn.documents_in_scope(DeviceIdentity{"", found->id, found->tenant, found->role});
      row.detail = "records in the user's scope exported: " + std::to_string(documents.size());
    });
    context.out() << export_json(std::move(documents));
  });

  add_demo_county_command(admin, context);
  add_template_commands(admin, context);
  add_timescales_commands(admin, context);
  add_audit_command(admin, context);
  add_attachment_command(admin, context);
  add_set_password_command(admin, context);
}

}  // namespace iro::server
