#include <algorithm>
#include <vector>

#include "app/app_screens.hpp"
#include "iro/blob.hpp"
#include "iro/conflicts.hpp"
#include "iro/device_timescales.hpp"
#include "iro/error.hpp"
#include "iro/holiday_calendar.hpp"
#include "iro/json.hpp"

namespace iro::app {
namespace {

// The date a record is filed under on the child's page.
std::optional<Date> record_date(const Document& record) {
  for (const char* name : {"date", "issued_on", "raised_on"}) {
    if (const Value* value = record.field(name)) {
      if (const Date* date = std::get_if<Date>(value)) return *date;
    }
  }
  return std::nullopt;
}

std::string text_of(const Document& record, std::string_view name) {
  const Value* value = record.field(name);
  const std::string* text = value ? std::get_if<std::string>(value) : nullptr;
  return text ? *text : std::string();
}

// The first words of a record's main text, for its line on the child's page.
std::string excerpt(const Document& record) {
  for (const char* name : {"note", "body", "summary", "notes", "recommendations"}) {
    std::string text = text_of(record, name);
    if (text.empty()) continue;
    if (text.size() > 160) {
      std::size_t cut = text.rfind(' ', 157);
      text = text.substr(0, cut == std::string::npos ? 157 : cut) + "...";
    }
    return text;
  }
  return {};
}

std::size_t attachments_of(const Document& record) {
  const Value* value = record.field(kAttachmentsField);
  const auto* hashes = value ? std::get_if<StringSet>(value) : nullptr;
  return hashes ? hashes->size() : 0;
}

nlohmann::json record_line(const Document& record) {
  const std::optional<Date> date = record_date(record);
  nlohmann::json line = {{"id", record.id},
                         {"kind", std::string(to_string(record.kind))},
                         {"date", date ? nlohmann::json(date->to_string()) : nlohmann::json()},
                         {"excerpt", excerpt(record)},
                         {"conflicts", record.conflicts.size()},
                         {"attachments", attachments_of(record)}};
  for (const char* name : {"status", "visit_type", "place", "venue", "review_type"}) {
    const std::string text = text_of(record, name);
    if (!text.empty()) line[name] = text;
  }
  return line;
}

}  // namespace

nlohmann::json child_reply(const DeviceStore& store, std::string_view child_id, Date today) {
  std::vector<Document> records = store.query(DocumentQuery::of_child(std::string(child_id)));
  const auto child = std::ranges::find(records, Kind::child, &Document::kind);
  if (child == records.end() || child->deleted) {
    throw Error(ErrorCode::not_found,
                "this device holds no child " + std::string(child_id.substr(0, 64)));
  }
  nlohmann::json reply = {{"child", document_to_json(*child)}, {"name", display_name(*child)}};
  try {
    reply["timescales"] =
        device_child_timescales_json(store, child_id, HolidayCalendar::england_and_wales(), today);
  } catch (const Error& error) {
    reply["timescales"] = nullptr;
    reply["timescales_problem"] = error.what();
  }
  std::vector<const Document*> shown;
  for (const Document& record : records) {
    if (record.kind != Kind::child && !record.deleted) shown.push_back(&record);
  }
  // Newest first: by date, undated records by when they were made (their
  // UUIDv7 ids sort in time), after the dated ones of the same day.
  std::stable_sort(shown.begin(), shown.end(), [](const Document* a, const Document* b) {
    const auto a_date = record_date(*a), b_date = record_date(*b);
    if (a_date != b_date) return a_date > b_date;
    return a->id > b->id;
  });
  nlohmann::json lines = nlohmann::json::array();
  for (const Document* record : shown) lines.push_back(record_line(*record));
  reply["records"] = std::move(lines);
  return reply;
}

nlohmann::json record_reply(const DeviceStore& store, std::string_view id) {
  const std::optional<Document> record = store.get(id);
  if (!record || record->deleted) {
    throw Error(ErrorCode::not_found, "no record " + std::string(id.substr(0, 64)));
  }
  // Each conflict with the record's words beside it, as the screen shows them.
  nlohmann::json conflicts = nlohmann::json::array();
  for (const Conflict& conflict : record->conflicts) {
    conflicts.push_back(conflict_to_json(*record, conflict));
  }
  return {{"record", document_to_json(*record)}, {"conflicts", std::move(conflicts)}};
}

}  // namespace iro::app
