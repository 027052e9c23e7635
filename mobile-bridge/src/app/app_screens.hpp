// What each screen of the app asks the store for, as JSON (docs/app-api.md
// describes every request and reply). Data in, data out: no screen keeps
// state of its own, so a reload shows the same thing.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "app/app_request.hpp"
#include "iro/date.hpp"
#include "iro/store.hpp"

namespace iro::app {

// The sync status bar and the lock: pending and refused changes, the last
// sync and its error, the lease, whether the store is encrypted.
nlohmann::json status_reply(const DeviceStore& store);

// Every child of the caseload with the next review and pre-review visit
// due, overdue first, then soonest due.
nlohmann::json caseload_reply(const DeviceStore& store, Date today);

// One child: their record, timescales, and every record about them, newest first.
nlohmann::json child_reply(const DeviceStore& store, std::string_view child_id, Date today);

// One record as document_to_json gives it, with its conflicts.
nlohmann::json record_reply(const DeviceStore& store, std::string_view id);

// Saves a visit note: a new visit of `child_id` without an "id", an edit of
// visit "id" with one. Returns {"id"}. `changed` is set to the record saved.
nlohmann::json save_note(DeviceStore& store, AppRequest& request, std::string& changed);

// A consultation as the IRO reads it back: its form's questions, the
// answers, who helped, whether it is finished, and its attachments' hashes.
nlohmann::json consultation_reply(DeviceStore& store, std::string_view id);

// An attachment the device holds: {hash, type (image/png, image/jpeg or
// application/octet-stream, from its bytes), size, base64}.
nlohmann::json attachment_reply(const DeviceStore& store, std::string_view hash);

// The changes the server refused, newest first, with its reasons and the
// words they carried (kept on the device so no word is lost).
nlohmann::json refused_reply(const DeviceStore& store);

// A child's name as the IRO sees it: the preferred name, or the first name,
// then the last name.
std::string display_name(const Document& child);

}  // namespace iro::app
