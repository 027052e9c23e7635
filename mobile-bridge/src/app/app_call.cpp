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
#include "app/child_mode_ops.hpp"
#include "app/letter_ops.hpp"
#include "app/passphrase_set.hpp"
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

// An operation that takes one text parameter, `name`, and nothing else.
Operation with_text(std::string name, std::function<json(AppContext&, const std::string&)> answer) {
  return [name = std::move(name), answer = std::move(answer)](AppContext& context) {
    const std::string value = context.request.text(name);
    context.request.finish();
    return answer(context, value);
  };
}

const std::map<std::string, Operation, std::less<>>& operations() {
  static const std::map<std::string, Operation, std::less<>> kOperations = {
      {"status", without_parameters([](AppContext& context) {
         json reply = iro::app::status_reply(context.store);
         reply["sync"] = iro::app::sync_progress(*context.handle);
         reply["has_passphrase"] = iro::app::has_passphrase(*context.handle);
         reply["child_mode"] = false;
         return reply;
       })},
      {"caseload", without_parameters([](AppContext& context) {
         return iro::app::caseload_reply(context.store, today());
       })},
      {"child", with_text("child_id",
                          [](AppContext& context, const std::string& child_id) {
                            return iro::app::child_reply(context.store, child_id, today());
                          })},
      {"record", with_text("id",
                           [](AppContext& context, const std::string& id) {
                             return iro::app::record_reply(context.store, id);
                           })},
      {"consultation", with_text("id",
                                 [](AppContext& context, const std::string& id) {
                                   return iro::app::consultation_reply(context.store, id);
                                 })},
      {"attachment", with_text("hash",
                               [](AppContext& context, const std::string& hash) {
                                 return iro::app::attachment_reply(context.store, hash);
                               })},
      {"note.save",
       [](AppContext& context) {
         return iro::app::save_note(context.store, context.request, context.changed);
       }},
      {"refused", without_parameters(
                      [](AppContext& context) { return iro::app::refused_reply(context.store); })},
      {"sync.now", without_parameters(
                       [](AppContext& context) { return iro::app::start_sync(context.handle); })},
      {"forms", with_text("child_id",
                          [](AppContext& context, const std::string& child_id) {
                            return iro::app::forms_reply(context.store, child_id, today());
                          })},
      {"child_mode.start",
       [](AppContext& context) {
         return iro::app::start_child_mode(*context.handle, context.store, context.request,
                                           context.changed);
       }},
      {"letter.draft",
       [](AppContext& context) {
         return iro::app::draft_letter(context.store, context.request, today(), context.changed);
       }},
      {"letter",
       [](AppContext& context) { return iro::app::letter_reply(context.store, context.request); }},
      {"letter.save",
       [](AppContext& context) {
         return iro::app::save_letter(context.store, context.request, context.changed);
       }},
      {"letter.submit",
       [](AppContext& context) {
         return iro::app::submit_letter(context.store, context.request, context.changed);
       }},
      {"conflict.resolve",
       [](AppContext& context) {
         return iro::app::resolve_conflict(context.store, context.request, context.changed);
       }},
      {"passphrase.set",
       [](AppContext& context) {
         return iro::app::set_passphrase(*context.handle, context.request);
       }},
  };
  return kOperations;
}

std::string quoted_op(const AppRequest& request) {
  return "\"" + request.op().substr(0, 40) + "\"";
}

// The IRO's operations: everything but the child's form.
json iro_call(const std::shared_ptr<StoreHandle>& handle, iro::DeviceStore& device,
              AppRequest& request, std::string& changed) {
  const auto operation = operations().find(request.op());
  if (operation == operations().end()) {
    const bool for_child = iro::app::child_mode_operations().contains(request.op());
    throw iro::Error(iro::ErrorCode::invalid_input,
                     quoted_op(request) + (for_child ? " is for child mode, which is not on"
                                                     : " is not an app operation"));
  }
  AppContext context{device, handle, request, {}};
  json reply = operation->second(context);
  changed = std::move(context.changed);
  return reply;
}

// Child mode: the child's form and nothing else, whatever the request says.
json child_mode_call(const StoreHandle& handle, iro::DeviceStore& device, AppRequest& request,
                     std::string& changed) {
  const auto& child_operations = iro::app::child_mode_operations();
  const auto operation = child_operations.find(request.op());
  if (operation == child_operations.end()) {
    throw iro::Error(iro::ErrorCode::not_allowed,
                     "the tablet is in child mode: " + quoted_op(request) +
                         " waits until the IRO leaves it with their passphrase");
  }
  return operation->second(handle, device, request, changed);
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
        std::string changed;
        const json reply = device.app_child_mode()
                               ? child_mode_call(*handle, device, request, changed)
                               : iro_call(handle, device, request, changed);
        if (!changed.empty()) events.push_back(local_change_event(changed));
        // Values from a server are not re-validated on the device; replacing bad
        // UTF-8 keeps one bad byte from failing the screen.
        *out_reply_json = copy_out(reply.dump(-1, ' ', false, json::error_handler_t::replace));
      });
}

}  // extern "C"
