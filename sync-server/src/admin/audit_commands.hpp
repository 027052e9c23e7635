// `iro-server admin audit`: the audit log (docs/ARCHITECTURE.md, Audit),
// oldest first, filtered by child, user, device, council and time; one line
// per entry, or one JSON object per line with --json.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/audit_row.hpp"

namespace iro::server {

class AdminContext;

void add_audit_command(CLI::App& admin, AdminContext& context);

// --since: "YYYY-MM-DD" (the start of that day, UTC, as the log prints
// times) or "YYYY-MM-DDTHH:MM[:SS[.mmm]]" with "Z" or an offset such as
// "+01:00" (UTC without either). The Unix time in ms; nullopt for anything else.
std::optional<std::uint64_t> parse_audit_since(std::string_view text);

// time, actor, action, child ("-" for none), outcome, detail; two spaces apart.
std::string audit_line(const AuditRow& row);

// Every column, one JSON object: id, time, tenant, actor, user_id,
// device_id, remote, action, child_id, doc_id, outcome, detail (null where
// the log holds nothing).
std::string audit_json_line(const AuditRow& row);

}  // namespace iro::server
