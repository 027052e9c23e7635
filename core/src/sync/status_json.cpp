#include "iro/status_json.hpp"

#include "iro/date.hpp"

namespace iro {
namespace {

using nlohmann::json;

json text_or_null(const std::string& text) {
  return text.empty() ? json(nullptr) : json(text);
}

json time_or_null(const std::optional<std::uint64_t>& unix_ms) {
  return unix_ms ? json(format_utc_ms(*unix_ms)) : json(nullptr);
}

}  // namespace

json device_status_json(const DeviceStatus& status) {
  return {{"device_id", status.device_id},
          {"tenant", text_or_null(status.tenant)},
          {"user_id", text_or_null(status.user_id)},
          {"server", text_or_null(status.server)},
          {"pending_changes", status.pending_changes},
          {"rejected_changes", status.rejected_changes},
          {"last_sync", time_or_null(status.last_sync_ms)},
          {"last_sync_error", text_or_null(status.last_sync_error)},
          {"last_sync_error_at", time_or_null(status.last_sync_error_ms)},
          {"stuck_since", time_or_null(status.stuck_since_ms)},
          {"cursor", status.cursor},
          {"schema_version", status.schema_version},
          {"timescale_policy", text_or_null(status.timescale_policy)},
          {"lease_expires", time_or_null(status.lease_expires_ms)},
          {"locked", status.locked},
          {"encrypted", status.encrypted}};
}

}  // namespace iro
