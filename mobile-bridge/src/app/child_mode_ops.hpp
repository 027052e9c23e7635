// The app's child mode (docs/app-api.md, "Child mode"): the IRO hands the
// tablet over for one consultation form. Starting it is recorded in the
// store, so a reload or a restart of the app is still in child mode; while
// it lasts, iro_app_call answers only the operations here (the child's
// form, answers, a drawing, finishing) and refuses every other with
// IRO_ERR_NOT_ALLOWED. Leaving needs the IRO's passphrase.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>

#include "app/app_request.hpp"
#include "handles.hpp"
#include "iro/date.hpp"
#include "iro/store.hpp"

namespace iro::app {

// The newest template of each family the device holds, the one suited to the
// child's age marked "suggested": {"forms": [...], "age"}.
nlohmann::json forms_reply(const DeviceStore& store, std::string_view child_id, Date today);

// child_mode.start: a new consultation for the child on a template, and the
// tablet into child mode. Refused without a passphrase to leave it by.
nlohmann::json start_child_mode(const bridge::StoreHandle& handle, DeviceStore& store,
                                AppRequest& request, std::string& changed);

// What iro_app_call does in child mode: operation name to handler. `changed`
// is set to the record an operation saved.
using ChildOperation = std::function<nlohmann::json(const bridge::StoreHandle&, DeviceStore&,
                                                    AppRequest&, std::string& changed)>;
const std::map<std::string, ChildOperation, std::less<>>& child_mode_operations();

}  // namespace iro::app
