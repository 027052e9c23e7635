#include "form_json.hpp"

#include <algorithm>
#include <optional>

#include "iro/error.hpp"

namespace iro::bridge {

using nlohmann::json;

// The newest version of each family the device holds, by family; templates
// that do not read are left out (the server checked them when published).
std::vector<FormTemplate> latest_templates(const DeviceStore& device) {
  std::vector<iro::FormTemplate> forms;
  for (const iro::Document& document :
       device.query(iro::DocumentQuery::of_kind(iro::Kind::form_template))) {
    if (document.deleted) continue;
    try {
      forms.push_back(iro::parse_form_template(document));
    } catch (const iro::Error&) {
      // Left out, as `iro form list` does (it also says so on stderr).
    }
  }
  std::sort(forms.begin(), forms.end(), [](const iro::FormTemplate& a, const iro::FormTemplate& b) {
    return a.family != b.family ? a.family < b.family : a.version < b.version;
  });
  std::vector<iro::FormTemplate> latest;
  for (iro::FormTemplate& form : forms) {
    if (!latest.empty() && latest.back().family == form.family) {
      latest.back() = std::move(form);  // sorted by version: a newer one
    } else {
      latest.push_back(std::move(form));
    }
  }
  return latest;
}

// A template's id, or a family's newest version; the id to start on.
std::string template_for_host(const DeviceStore& device, const std::string& id_or_family) {
  const std::optional<iro::Document> document = device.get(id_or_family);
  if (document && !document->deleted && document->kind == iro::Kind::form_template) {
    return id_or_family;
  }
  for (const iro::FormTemplate& form : latest_templates(device)) {
    if (form.family == id_or_family) return form.id;
  }
  throw iro::Error(
      iro::ErrorCode::not_found,
      "this device holds no form template " + id_or_family.substr(0, 64) + " (sync for new ones)");
}

json question_json(const iro::Question& question) {
  json shown = {{"id", question.id}, {"type", question.type}, {"prompt", question.prompt}};
  if (!question.picture.empty()) shown["picture"] = question.picture;
  if (question.type == "choice") shown["options"] = question.options;
  if (question.type == "scale") {
    shown["min"] = question.min;
    shown["max"] = question.max;
  }
  if (!question.replaces.empty()) shown["replaces"] = question.replaces;
  return shown;
}

json template_json(const iro::FormTemplate& form) {
  return {{"id", form.id},       {"family", form.family},
          {"name", form.name},   {"age_variant", form.age_variant},
          {"intro", form.intro}, {"version", form.version}};
}

}  // namespace iro::bridge
