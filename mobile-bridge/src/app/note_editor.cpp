#include "app/app_screens.hpp"
#include "iro/error.hpp"
#include "iro/json.hpp"

namespace iro::app {

nlohmann::json save_note(DeviceStore& store, AppRequest& request, std::string& changed) {
  const std::optional<std::string> id = request.optional_text("id");
  const std::string child_id = request.text("child_id");
  const FieldMap fields = fields_from_json(Kind::visit, request.object("fields"));
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
  if (!fields.empty()) store.edit(*id, fields);
  changed = *id;
  return {{"id", changed}};
}

}  // namespace iro::app
