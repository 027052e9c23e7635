// The letter as a PDF, for `iro app` (a host op, `letter.pdf`): where the
// PDF renderer is present, as on the desktop, the app offers the file itself
// instead of the browser's "save as PDF". The letter comes from the store
// through iro_app_call (`letter`), so it is what the screen shows, and what
// child mode refuses stays refused.
#pragma once

#include <nlohmann/json.hpp>

#include "app_session.hpp"
#include "iro/iro.h"

namespace iro::cli {

// {"pdf_base64", "file_name"} for letter `request["id"]`, or the store's refusal.
AppApiReply letter_pdf_reply(iro_store_t* store, const nlohmann::json& request);

}  // namespace iro::cli
