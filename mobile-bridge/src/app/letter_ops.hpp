// The app's letter operations (docs/app-api.md, "Letters"): a first draft
// from a review, the letter as it reads, editing a draft, submitting it to a
// manager. Approval and issue are a manager's and the council's steps, not
// the IRO's tablet's.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "app/app_request.hpp"
#include "iro/date.hpp"
#include "iro/store.hpp"

namespace iro::app {

// letter.draft {child_id, review_id, signed_by?} -> {id}
nlohmann::json draft_letter(DeviceStore& store, AppRequest& request, Date today,
                            std::string& changed);

// letter {id} -> {letter: {id, child_id, review_id, status, body, approved_by,
// issued_on, distribution_due}, page: {title, paragraphs, note}}
nlohmann::json letter_reply(const DeviceStore& store, AppRequest& request);

// letter.save {id, body} -> {id}: a draft's words, as they are typed.
nlohmann::json save_letter(DeviceStore& store, AppRequest& request, std::string& changed);

// letter.submit {id} -> {status: "submitted"}
nlohmann::json submit_letter(DeviceStore& store, AppRequest& request, std::string& changed);

// conflict.resolve {id, conflict_id, resolution: keep | take | text, text?} -> {resolved}
nlohmann::json resolve_conflict(DeviceStore& store, AppRequest& request, std::string& changed);

}  // namespace iro::app
