// iro_app_call: the one request function the app's screens use (iro.h, "The
// app"; every operation in docs/app-api.md). A JSON request in, a JSON reply
// out, on the store handle's lock like every other call.
#include <functional>
#include <map>
#include <string>

#include "app/app_request.hpp"
#include "app/app_screens.hpp"
#include "bridge_support.hpp"
#include "events.hpp"
#include "handles.hpp"
#include "iro/clock.hpp"
#include "iro/error.hpp"
#include "iro/iro.h"

using namespace iro::bridge;

namespace {

using iro::app::AppRequest;
using nlohmann::json;

iro::Date today() {
  return iro::local_date_of(iro::system_clock().now_ms());
}

// One operation: reads its parameters from the request (and finishes it),
// answers from the store, and says which record it changed, if any.
using Operation = std::function<json(iro::DeviceStore&, AppRequest&, std::string& changed)>;

const std::map<std::string, Operation, std::less<>>& operations() {
  static const std::map<std::string, Operation, std::less<>> kOperations = {
      {"status",
       [](iro::DeviceStore& store, AppRequest& request, std::string&) {
         request.finish();
         return iro::app::status_reply(store);
       }},
      {"caseload",
       [](iro::DeviceStore& store, AppRequest& request, std::string&) {
         request.finish();
         return iro::app::caseload_reply(store, today());
       }},
      {"child",
       [](iro::DeviceStore& store, AppRequest& request, std::string&) {
         const std::string child_id = request.text("child_id");
         request.finish();
         return iro::app::child_reply(store, child_id, today());
       }},
      {"record",
       [](iro::DeviceStore& store, AppRequest& request, std::string&) {
         const std::string id = request.text("id");
         request.finish();
         return iro::app::record_reply(store, id);
       }},
      {"note.save",
       [](iro::DeviceStore& store, AppRequest& request, std::string& changed) {
         return iro::app::save_note(store, request, changed);
       }},
  };
  return kOperations;
}

}  // namespace

extern "C" {

iro_status_t iro_app_call(iro_store_t* store, const char* request_json, char** out_reply_json,
                          iro_error_t* error) {
  if (out_reply_json != nullptr) *out_reply_json = nullptr;
  return with_store(store, error, [&](iro::DeviceStore& device, Events& events) {
    require(request_json, "request_json");
    require(out_reply_json, "out_reply_json");
    AppRequest request(request_json);
    const auto operation = operations().find(request.op());
    if (operation == operations().end()) {
      throw iro::Error(iro::ErrorCode::invalid_input,
                       "\"" + request.op().substr(0, 40) + "\" is not an app operation");
    }
    std::string changed;
    const json reply = operation->second(device, request, changed);
    if (!changed.empty()) events.push_back(local_change_event(changed));
    // Values from a server are not re-validated on the device; replacing bad
    // UTF-8 keeps one bad byte from failing the screen.
    *out_reply_json = copy_out(reply.dump(-1, ' ', false, json::error_handler_t::replace));
  });
}

}  // extern "C"
