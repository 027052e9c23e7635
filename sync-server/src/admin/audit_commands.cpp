#include "admin/audit_commands.hpp"

#include <memory>
#include <nlohmann/json.hpp>

#include "admin/admin_commands.hpp"
#include "iro/date.hpp"
#include "iro/error.hpp"

namespace iro::server {
namespace {

constexpr std::uint64_t kMsPerDay = 86'400'000;

// Reads `digits` decimal digits at `at` into `value`; false if they are not there.
bool read_number(std::string_view text, std::size_t at, std::size_t digits, unsigned& value) {
  if (at + digits > text.size()) return false;
  value = 0;
  for (std::size_t i = at; i < at + digits; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + unsigned(text[i] - '0');
  }
  return true;
}

nlohmann::json or_null(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

}  // namespace

std::optional<std::uint64_t> parse_audit_since(std::string_view text) {
  const auto date = Date::parse(text.substr(0, 10));
  if (!date || date->days_since_epoch() < 0) return std::nullopt;
  std::uint64_t ms = std::uint64_t(date->days_since_epoch()) * kMsPerDay;
  if (text.size() == 10) return ms;

  // THH:MM, then :SS and .mmm if given
  unsigned hours = 0, minutes = 0, seconds = 0, millis = 0;
  if (text[10] != 'T' || !read_number(text, 11, 2, hours) || text.size() < 16 || text[13] != ':' ||
      !read_number(text, 14, 2, minutes) || hours > 23 || minutes > 59) {
    return std::nullopt;
  }
  std::size_t at = 16;
  if (at < text.size() && text[at] == ':') {
    if (!read_number(text, at + 1, 2, seconds) || seconds > 59) return std::nullopt;
    at += 3;
    if (at < text.size() && text[at] == '.') {
      if (!read_number(text, at + 1, 3, millis)) return std::nullopt;
      at += 4;
    }
  }
  ms += ((hours * 60ull + minutes) * 60 + seconds) * 1000 + millis;

  // The zone: none or Z (UTC), or +HH:MM / -HH:MM ahead of or behind UTC.
  if (at == text.size()) return ms;
  if (text[at] == 'Z' && at + 1 == text.size()) return ms;
  unsigned offset_hours = 0, offset_minutes = 0;
  if ((text[at] != '+' && text[at] != '-') || text.size() != at + 6 ||
      !read_number(text, at + 1, 2, offset_hours) || text[at + 3] != ':' ||
      !read_number(text, at + 4, 2, offset_minutes) || offset_hours > 14 || offset_minutes > 59) {
    return std::nullopt;
  }
  const std::uint64_t offset = (offset_hours * 60ull + offset_minutes) * 60'000;
  if (text[at] == '-') return ms + offset;
  if (offset > ms) return std::nullopt;
  return ms - offset;
}

std::string audit_line(const AuditRow& row) {
  return format_utc_ms(row.time_ms) + "  " + row.actor + "  " + row.action + "  " +
         (row.child_id.empty() ? "-" : row.child_id) + "  " + row.outcome + "  " + row.detail;
}

std::string audit_json_line(const AuditRow& row) {
  const nlohmann::ordered_json line = {{"id", row.id},
                                       {"time", format_utc_ms(row.time_ms)},
                                       {"tenant", or_null(row.tenant)},
                                       {"actor", row.actor},
                                       {"user_id", or_null(row.user_id)},
                                       {"device_id", or_null(row.device_id)},
                                       {"remote", or_null(row.remote)},
                                       {"action", row.action},
                                       {"child_id", or_null(row.child_id)},
                                       {"doc_id", or_null(row.doc_id)},
                                       {"outcome", row.outcome},
                                       {"detail", row.detail}};
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void add_audit_command(CLI::App& admin, AdminContext& context) {
  struct AuditOptions {
    AuditQuery query;
    std::string since;
    bool json = false;
  };
  auto options = std::make_shared<AuditOptions>();
  auto* command = admin.add_subcommand(
      "audit",
      "The audit log, oldest first: connections, enrolments, pulls, pushed changes, scope "
      "changes and admin actions; one line each (time, actor, action, child, outcome, detail)");
  command->add_option("--child", options->query.child_id, "Only entries about this child");
  command->add_option("--user", options->query.user_id,
                      "Only entries by this user's devices, or about this user");
  command->add_option("--device", options->query.device_id,
                      "Only entries by this device, or about it");
  command->add_option("--tenant", options->query.tenant, "Only this council's entries");
  command->add_option("--since", options->since,
                      "From this day (YYYY-MM-DD, UTC) or time (ISO 8601) on");
  command->add_option("--limit", options->query.limit, "Only the newest N entries")
      ->check(CLI::Range(1, 100'000'000));
  command->add_flag("--json", options->json, "One JSON object per line, with every column");
  command->callback([&context, options] {
    if (!options->since.empty()) {
      options->query.since_ms = parse_audit_since(options->since);
      if (!options->query.since_ms) {
        throw Error(ErrorCode::invalid_input,
                    "--since: \"" + options->since.substr(0, 40) +
                        "\" is not a date (YYYY-MM-DD) or an ISO 8601 time");
      }
    }
    std::vector<AuditRow> rows;
    context.store().read([&](StoreTxn& txn) { rows = txn.audit_log(options->query); });
    for (const AuditRow& row : rows) {
      context.out() << (options->json ? audit_json_line(row) : audit_line(row)) << "\n";
    }
  });
}

}  // namespace iro::server
