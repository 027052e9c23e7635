#include "app/app_screens.hpp"
#include "iro/error.hpp"
#include "iro/json.hpp"
#include "iro/merge.hpp"

namespace iro::app {
namespace {

const std::string* text_of(const Value* value) {
  return value ? std::get_if<std::string>(value) : nullptr;
}

// A screen that stayed open while a sync brought another device's edit of
// the same words saves text written from what it showed (`base`). Each
// such text field is merged three ways, as the server merges: edits in
// different places both stay (the merged text is saved, and returned for
// the screen to show); edits that overlap are not saved, and the words the
// record now holds are returned instead, for the IRO to choose with both
// in front of them. Nothing typed on either device is lost.
struct StaleMerge {
  nlohmann::json merged = nlohmann::json::object();
  nlohmann::json overlapping = nlohmann::json::object();
};

StaleMerge merge_stale_fields(const Document& visit, const nlohmann::json& base, FieldMap& fields) {
  StaleMerge result;
  for (auto field = fields.begin(); field != fields.end();) {
    const auto said = base.find(field->first);
    const std::string* incoming = text_of(&field->second);
    const std::string* stored = text_of(visit.field(field->first));
    if (said == base.end() || !said->is_string() || !incoming || !stored ||
        *stored == said->get_ref<const std::string&>()) {
      ++field;
      continue;
    }
    TextMerge merge = merge_text(said->get_ref<const std::string&>(), *stored, *incoming);
    if (merge.clean) {
      result.merged[field->first] = merge.text;
      field->second = std::move(merge.text);
      ++field;
    } else {
      result.overlapping[field->first] = *stored;
      field = fields.erase(field);
    }
  }
  return result;
}

}  // namespace

nlohmann::json save_note(DeviceStore& store, AppRequest& request, std::string& changed) {
  const std::optional<std::string> id = request.optional_text("id");
  const std::string child_id = request.text("child_id");
  FieldMap fields = fields_from_json(Kind::visit, request.object("fields"));
  const nlohmann::json* base = request.optional_object("base");
  request.finish();
  if (!id) {
    changed = store.create(Kind::visit, child_id, fields);
    return {{"id", changed}};
  }
  const std::optional<Document> visit = store.get(*id);
  if (!visit || visit->deleted || visit->kind != Kind::visit || visit->child_id != child_id) {
    throw Error(ErrorCode::not_found,
                "no visit " + id->substr(0, 64) + " of child " + child_id.substr(0, 64));
  }
  nlohmann::json reply = {{"id", *id}};
  if (base != nullptr) {
    StaleMerge stale = merge_stale_fields(*visit, *base, fields);
    if (!stale.merged.empty()) reply["merged"] = std::move(stale.merged);
    if (!stale.overlapping.empty()) reply["changed_elsewhere"] = std::move(stale.overlapping);
  }
  if (!fields.empty()) store.edit(*id, fields);
  changed = *id;
  return reply;
}

}  // namespace iro::app
