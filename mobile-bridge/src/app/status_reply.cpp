#include "app/app_screens.hpp"
#include "iro/status_json.hpp"

namespace iro::app {

nlohmann::json status_reply(const DeviceStore& store) {
  nlohmann::json reply = device_status_json(store.status());
  reply["enrolled"] = !reply["server"].is_null();
  return reply;
}

}  // namespace iro::app
