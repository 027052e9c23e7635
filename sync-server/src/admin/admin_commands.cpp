#include "admin/admin_commands.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "admin/demo_county_setup.hpp"
#include "admin/timescales_commands.hpp"
#include "iro/error.hpp"
#include "iro/json.hpp"
#include "service/accounts.hpp"
#include "service/caseload.hpp"
#include "service/children_csv.hpp"
#include "store/sqlite_server_store.hpp"

namespace iro::server {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(ErrorCode::not_found, "cannot read " + path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

Role role_or_throw(const std::string& name) {
  if (auto role = parse_role(name)) return *role;
  throw Error(ErrorCode::invalid_input, "\"" + name + "\" is not a role (iro, manager, admin)");
}

}  // namespace

ServerStore& AdminContext::store() {
  if (!m_store) {
    if (data_dir.empty()) throw Error(ErrorCode::invalid_input, "admin commands need --data DIR");
    m_store = open_sqlite_server_store(data_dir);
  }
  return *m_store;
}

void add_admin_commands(CLI::App& admin, AdminContext& context) {
  auto* add_tenant_command = admin.add_subcommand("add-tenant", "Add a council; prints its name");
  auto tenant_name = std::make_shared<std::string>();
  add_tenant_command->add_option("NAME", *tenant_name, "e.g. durham")->required();
  add_tenant_command->callback([&context, tenant_name] {
    context.store().write(
        [&](StoreTxn& txn) { add_tenant(txn, *tenant_name, system_clock().now_ms()); });
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
    context.store().write([&](StoreTxn& txn) {
      id = add_user(txn, user->tenant, user->name, role, ids, system_clock().now_ms());
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
    const ParsedChildren parsed =
        parse_children_csv(read_file(import->file), Date::from_unix_ms(system_clock().now_ms()));
    std::size_t changed = 0;
    UuidV7Generator ids;
    context.store().write([&](StoreTxn& txn) {
      TxnClock clock(txn, system_clock());
      changed = import_children(txn, import->tenant, parsed.rows, clock, ids);
      clock.save();
    });
    std::size_t refused = 0;
    for (const CsvProblem& problem : parsed.problems) {
      context.out() << "line " << problem.line << ": " << problem.reason << "\n";
      if (problem.line > 1) ++refused;
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
    context.store().write([&](StoreTxn& txn) {
      TxnClock clock(txn, system_clock());
      allocate_child(txn, allocation->child, allocation->user, clock);
      clock.save();
    });
  });

  auto enrol_user = std::make_shared<std::string>();
  auto* enrol_command =
      admin.add_subcommand("enrol", "Issue a one-time enrolment code; prints it last");
  enrol_command->add_option("--user", *enrol_user, "The user whose device it is")->required();
  enrol_command->callback([&context, enrol_user] {
    std::string code;
    context.store().write([&](StoreTxn& txn) {
      code = issue_enrolment_code(txn, *enrol_user, system_clock().now_ms());
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
    context.store().write([&](StoreTxn& txn) {
      revoke_device(txn, revoke->device, revoke->collect_first, system_clock().now_ms());
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
    context.store().read(
        [&](StoreTxn& txn) { rows = txn.quarantine(quarantine->tenant, quarantine->limit); });
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
    context.store().read([&](StoreTxn& txn) {
      const auto found = txn.user(*export_user);
      if (!found) throw Error(ErrorCode::not_found, "no user " + *export_user);
      documents = txn.documents_in_scope(DeviceIdentity{"", found->id, found->tenant, found->role});
    });
    context.out() << export_json(std::move(documents));
  });

  add_demo_county_command(admin, context);
  add_timescales_commands(admin, context);
}

}  // namespace iro::server
