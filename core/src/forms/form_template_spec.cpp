// A template's JSON, as a council writes it, turned into the fields of a
// form_template document (iro/form_template.hpp).
#include <nlohmann/json.hpp>

#include "iro/error.hpp"
#include "iro/form_template.hpp"
#include "iro/model.hpp"
#include "iro/validation.hpp"

namespace iro {
namespace {

using nlohmann::json;

[[noreturn]] void invalid(const std::string& message) {
  throw Error(ErrorCode::invalid_input, message);
}

std::string text_member(const json& spec, const char* key, bool required) {
  const auto found = spec.find(key);
  if (found == spec.end() || found->is_null()) {
    if (required) invalid(std::string("the template has no \"") + key + "\"");
    return {};
  }
  if (!found->is_string()) invalid(std::string("the template's \"") + key + "\" must be text");
  return found->get<std::string>();
}

}  // namespace

FieldMap form_template_fields(std::string_view spec_json, int version) {
  const json spec = json::parse(spec_json, nullptr, /*allow_exceptions=*/false);
  if (spec.is_discarded()) invalid("the template is not JSON");
  if (!spec.is_object()) invalid("the template must be a JSON object");
  if (!spec.contains("questions") || !spec["questions"].is_array()) {
    invalid("the template has no \"questions\" list");
  }
  Document document;
  document.kind = Kind::form_template;
  const std::string family = text_member(spec, "family", true);
  // The family names the form in commands and reports: the question id rule keeps it plain.
  if (family.empty() || family.size() > 48 ||
      family.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
    invalid("the template's family \"" + family.substr(0, 60) +
            "\" must be 1-48 of a-z, 0-9 and '_'");
  }
  document.fields.emplace("family", family);
  document.fields.emplace("name", text_member(spec, "name", true));
  document.fields.emplace("age_variant", text_member(spec, "age_variant", true));
  if (std::string intro = text_member(spec, "intro", false); !intro.empty()) {
    document.fields.emplace("intro", std::move(intro));
  }
  document.fields.emplace("version", std::int64_t{version});
  document.fields.emplace("questions", spec["questions"].dump());

  const KindSchema& schema = schema_for(Kind::form_template);
  for (const auto& [name, value] : document.fields) {
    validate_value(schema, name, *schema.find(name), value);
  }
  parse_form_template(document);  // throws naming the question that is wrong
  return std::move(document.fields);
}

}  // namespace iro
