#include "app/letter_ops.hpp"

#include "iro/conflicts.hpp"
#include "iro/error.hpp"
#include "iro/letter_records.hpp"
#include "iro/model.hpp"

namespace iro::app {
namespace {

using nlohmann::json;

json text_or_null(const Document& letter, std::string_view field) {
  const std::string text = letter_text(letter, field);
  return text.empty() ? json() : json(text);
}

}  // namespace

json draft_letter(DeviceStore& store, AppRequest& request, Date today, std::string& changed) {
  const std::string child_id = request.text("child_id");
  const std::string review_id = request.text("review_id");
  const std::string signed_by = request.optional_text("signed_by").value_or("");
  request.finish();
  const auto review = store.get(review_id);
  if (!review || review->deleted || review->kind != Kind::review || review->child_id != child_id) {
    throw Error(ErrorCode::not_found,
                "no review " + review_id.substr(0, 64) + " of child " + child_id.substr(0, 64));
  }
  FieldMap fields;
  fields.emplace("body", draft_letter_from_review(store, child_id, review_id, signed_by, today));
  fields.emplace("review_id", review_id);
  changed = store.create(Kind::letter, child_id, fields);
  return {{"id", changed}};
}

json letter_reply(const DeviceStore& store, AppRequest& request) {
  const std::string id = request.text("id");
  request.finish();
  const Document letter = letter_or_throw(store, id);
  const Value* issued_on = letter.field("issued_on");
  const Date* issued = issued_on ? std::get_if<Date>(issued_on) : nullptr;
  const std::optional<Date> due = letter_due(store, letter);
  const LetterPage page = letter_page_of(store, letter);
  return {
      {"letter",
       {{"id", letter.id},
        {"child_id", letter.child_id},
        {"review_id", text_or_null(letter, "review_id")},
        {"status", letter_text(letter, kStatusField)},
        {"body", letter_text(letter, "body")},
        {"approved_by", text_or_null(letter, "approved_by")},
        {"issued_on", issued ? json(issued->to_string()) : json()},
        {"distribution_due", due ? json(due->to_string()) : json()}}},
      {"page",
       {{"title", page.title}, {"paragraphs", letter_paragraphs(page.body)}, {"note", page.note}}}};
}

json save_letter(DeviceStore& store, AppRequest& request, std::string& changed) {
  const std::string id = request.text("id");
  const std::string body = request.text("body");
  request.finish();
  const Document letter = letter_or_throw(store, id);
  require_letter_status(letter, "draft", "edited", "it is a draft again");
  store.edit(id, {{"body", body}});
  changed = id;
  return {{"id", id}};
}

json submit_letter(DeviceStore& store, AppRequest& request, std::string& changed) {
  const std::string id = request.text("id");
  request.finish();
  const Document letter = letter_or_throw(store, id);
  require_letter_status(letter, "draft", "submitted", "it is a draft again");
  if (letter_text(letter, "body").empty()) {
    throw Error(ErrorCode::invalid_input, "letter " + id + " has no words yet");
  }
  store.edit(id, {{std::string(kStatusField), std::string("submitted")}});
  changed = id;
  return {{"status", "submitted"}};
}

json resolve_conflict(DeviceStore& store, AppRequest& request, std::string& changed) {
  const std::string id = request.text("id");
  const std::string conflict_id = request.text("conflict_id");
  const std::string resolution = request.text("resolution");
  const std::optional<std::string> text = request.optional_text("text");
  request.finish();
  ConflictResolution how = ConflictResolution::keep;
  if (resolution == "take") {
    how = ConflictResolution::take;
  } else if (resolution == "text") {
    how = ConflictResolution::text;
  } else if (resolution != "keep") {
    throw Error(
        ErrorCode::invalid_input,
        "conflict.resolve: resolution is keep, take or text, not " + resolution.substr(0, 20));
  }
  if ((how == ConflictResolution::text) != text.has_value()) {
    throw Error(ErrorCode::invalid_input,
                "conflict.resolve: \"text\" goes with resolution \"text\", and only with it");
  }
  resolve_device_conflict(store, id, conflict_id, how, text.value_or(""));
  changed = id;
  return {{"resolved", true}};
}

}  // namespace iro::app
