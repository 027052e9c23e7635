#include "service/device_watch.hpp"

#include <spdlog/spdlog.h>

#include "service/log_line.hpp"

namespace iro::server {

void watch_devices_once(ServerStore& store, Hub& hub) {
  const std::vector<std::string> ids = hub.device_ids();
  if (ids.empty()) return;
  std::vector<DeviceRow> rows;
  try {
    store.read([&](StoreTxn& txn) { rows = txn.devices_by_id(ids); });
  } catch (const std::exception& error) {
    spdlog::error("{}", logfmt("device-watch-failed", {{"error", error.what()}}));
    return;
  }
  for (const DeviceRow& row : rows) hub.device_row(row);
}

}  // namespace iro::server
