// iro_app_call: the one request function the app's screens use (iro.h, "The
// app"; every operation in docs/app-api.md). A JSON request in, a JSON reply
// out, on the store handle's lock like every other call.
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "app/app_request.hpp"
#include "app/app_screens.hpp"
#include "app/app_sync.hpp"
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

// What an operation works with: the store (under the handle's call lock),
// the handle (for what runs beside the calls: the app's sync), its request,
// and the record it changed, if any, for the listener.
struct AppContext {
  iro::DeviceStore& store;
  std::shared_ptr<StoreHandle> handle;
  AppRequest& request;
  std::string changed;
};

// One operation: reads its parameters from the request (and finishes it)
// and answers.
using Operation = std::function<json(AppContext&)>;

// An operation that takes no parameters.
Operation without_parameters(std::function<json(AppContext&)> answer) {
  return [answer = std::move(answer)](AppContext& context) {
    context.request.finish();
    return answer(context);
  };
}

const std::map<std::string, Operation, std::less<>>& operations() {
  static const std::map<std::string, Operation, std::less<>> kOperations = {
      {"status", without_parameters([](AppContext& context) {
         json reply = iro::app::status_reply(context.store);
         reply["sync"] = iro::app::sync_progress(*context.handle);
         return reply;
       })},
      {"caseload", without_parameters([](AppContext& context) {
         return iro::app::caseload_reply(context.store, today());
       })},
      {"child",
       [](AppContext& context) {
         const std::string child_id = context.request.text("child_id");
         context.request.finish();
         return iro::app::child_reply(context.store, child_id, today());
       }},
      {"record",
       [](AppContext& context) {
         const std::string id = context.request.text("id");
         context.request.finish();
         return iro::app::record_reply(context.store, id);
       }},
      {"note.save",
       [](AppContext& context) {
         return iro::app::save_note(context.store, context.request, context.changed);
       }},
      {"refused", without_parameters(
                      [](AppContext& context) { return iro::app::refused_reply(context.store); })},
      {"sync.now", without_parameters(
                       [](AppContext& context) { return iro::app::start_sync(context.handle); })},
  };
  return kOperations;
}

}  // namespace

extern "C" {

iro_status_t iro_app_call(iro_store_t* store, const char* request_json, char** out_reply_json,
                          iro_error_t* error) {
  if (out_reply_json != nullptr) *out_reply_json = nullptr;
  return with_store_handle(
      store, error,
      [&](const std::shared_ptr<StoreHandle>& handle, iro::DeviceStore& device, Events& events) {
        require(request_json, "request_json");
        require(out_reply_json, "out_reply_json");
        AppRequest request(request_json);
        const auto operation = operations().find(request.op());
        if (operation == operations().end()) {
          throw iro::Error(iro::ErrorCode::invalid_input,
                           "\"" + request.op().substr(0, 40) + "\" is not an app operation");
        }
        AppContext context{device, handle, request, {}};
        const json reply = operation->second(context);
        if (!context.changed.empty()) events.push_back(local_change_event(context.changed));
        // Values from a server are not re-validated on the device; replacing bad
        // UTF-8 keeps one bad byte from failing the screen.
        *out_reply_json = copy_out(reply.dump(-1, ' ', false, json::error_handler_t::replace));
      });
}

}  // extern "C"
