#include "admin/timescales_commands.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admin/admin_commands.hpp"
#include "iro/clock.hpp"
#include "iro/error.hpp"
#include "iro/timescale_policy.hpp"
#include "service/annual_report.hpp"
#include "service/lease.hpp"
#include "service/tenant_policy.hpp"
#include "service/timescales_report.hpp"

namespace iro::server {
namespace {

// A date option's value; `option` names it in the error.
Date parse_date_option(std::string_view option, const std::string& text) {
  const auto parsed = Date::parse(text);
  if (!parsed) {
    throw Error(ErrorCode::invalid_input, std::string(option) + ": \"" + text.substr(0, 40) +
                                              "\" is not a date (expected YYYY-MM-DD)");
  }
  return *parsed;
}

std::string policy_names() {
  std::string names;
  for (const TimescalePolicy& policy : timescale_policies()) {
    names += names.empty() ? "" : ", ";
    names += policy.name;
  }
  return names;
}

void add_set_policy_command(CLI::App& admin, AdminContext& context) {
  struct PolicyOptions {
    std::string tenant, policy;
  };
  auto options = std::make_shared<PolicyOptions>();
  auto* command = admin.add_subcommand(
      "set-policy",
      "Set a council's review timescales (its devices receive them at their next sync)");
  command->add_option("--tenant", options->tenant, "The council")->required();
  command->add_option("--policy", options->policy, policy_names())->required();
  command->callback([&context, options] {
    context.write_audited(AuditAction::set_policy, [&](StoreTxn& txn, AuditRow& row) {
      row.tenant = options->tenant;
      row.detail = "review timescales: " + options->policy;
      set_tenant_timescale_policy(txn, options->tenant, options->policy);
    });
    context.out() << options->tenant << ": " << options->policy << "\n";
  });
}

void add_set_lease_command(CLI::App& admin, AdminContext& context) {
  struct LeaseOptions {
    std::string tenant;
    int days = 0;
  };
  auto options = std::make_shared<LeaseOptions>();
  auto* command = admin.add_subcommand(
      "set-lease",
      "Set a council's offline lease: a device that has not reached the server for this many "
      "days locks its encrypted store until it syncs (its devices receive it at their next sync)");
  command->add_option("--tenant", options->tenant, "The council")->required();
  command->add_option("--days", options->days, "1-90 (default 14)")->required();
  command->callback([&context, options] {
    context.write_audited(AuditAction::set_lease, [&](StoreTxn& txn, AuditRow& row) {
      row.tenant = options->tenant;
      row.detail = "offline lease: " + std::to_string(options->days) + " days";
      set_tenant_lease_days(txn, options->tenant, options->days);
    });
    context.out() << options->tenant << ": offline lease " << options->days << " days\n";
  });
}

void add_timescales_report_command(CLI::App& admin, AdminContext& context) {
  struct ReportOptions {
    TimescalesReportScope scope;
    std::string as_of;
  };
  auto options = std::make_shared<ReportOptions>();
  auto* command = admin.add_subcommand(
      "timescales",
      "Review timescales per child, one JSON line each: next due (statutory and the council's), "
      "overdue, whether the last review was in timescale");
  command->add_option("--tenant", options->scope.tenant, "Every child of this council");
  command->add_option("--user", options->scope.user_id, "Only the children allocated to this user");
  command->add_option("--as-of", options->as_of,
                      "The day to judge by (default today); reviews recorded after it are not "
                      "held yet");
  command->callback([&context, options] {
    if (options->scope.tenant.empty() && options->scope.user_id.empty()) {
      throw CLI::RequiredError("timescales needs --tenant T or --user U",
                               CLI::ExitCodes::RequiredError);
    }
    const Date as_of = options->as_of.empty() ? local_date_of(system_clock().now_ms())
                                              : parse_date_option("--as-of", options->as_of);
    TimescalesReport report;
    context.store().read(
        [&](StoreTxn& txn) { report = timescales_report(txn, options->scope, as_of); });
    for (const nlohmann::ordered_json& line : report.lines) {
      context.out() << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }
    if (report.unassessed > 0) {
      context.err() << "iro-server: " << report.unassessed
                    << " children have no dates (their lines say why); the other "
                    << report.lines.size() - report.unassessed << " are listed\n";
      context.exit_code = 1;
    }
  });
}

void add_annual_report_command(CLI::App& admin, AdminContext& context) {
  struct AnnualOptions {
    std::string tenant, from, to;
  };
  auto options = std::make_shared<AnnualOptions>();
  auto* command = admin.add_subcommand(
      "annual-report",
      "A council's annual-report figures for a period, as CSV: reviews in timescale, "
      "participation by PN code, permanence plans at the second review, challenges by stage "
      "and category");
  command->add_option("--tenant", options->tenant, "The council")->required();
  command->add_option("--from", options->from, "The period's first day, YYYY-MM-DD")->required();
  command->add_option("--to", options->to, "The period's last day, YYYY-MM-DD")->required();
  command->callback([&context, options] {
    const AnnualReportPeriod period{options->tenant, parse_date_option("--from", options->from),
                                    parse_date_option("--to", options->to)};
    std::optional<AnnualReport> report;
    context.store().read([&](StoreTxn& txn) { report = annual_report(txn, period); });
    context.out() << annual_report_csv(*report);
    if (!report->children_not_assessed.empty()) {
      context.err() << "iro-server: the reviews of " << report->children_not_assessed.size()
                    << " children are not counted (their records give no timescales: see "
                       "`admin timescales`):";
      for (const std::string& child : report->children_not_assessed) context.err() << " " << child;
      context.err() << "\n";
    }
  });
}

}  // namespace

void add_timescales_commands(CLI::App& admin, AdminContext& context) {
  add_set_policy_command(admin, context);
  add_set_lease_command(admin, context);
  add_timescales_report_command(admin, context);
  add_annual_report_command(admin, context);
}

}  // namespace iro::server
