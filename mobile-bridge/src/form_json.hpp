// Consultation form templates as the bridge shows them (iro.h's
// iro_form_templates_json and child sessions, and the app's child mode):
// the newest version of each family a device holds, and JSON of a template
// and its questions.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "iro/form_template.hpp"
#include "iro/store.hpp"

namespace iro::bridge {

// The newest version of each family the device holds, by family; templates
// that do not read are left out (the server checked them when published).
std::vector<FormTemplate> latest_templates(const DeviceStore& device);

// A template's id, or a family's newest version: the id to start on. Throws
// Error(not_found) when the device holds neither.
std::string template_for_host(const DeviceStore& device, const std::string& id_or_family);

// {"id", "type", "prompt", "picture", "options", "min", "max", "replaces"}: what is set.
nlohmann::json question_json(const Question& question);

// {"id", "family", "name", "age_variant", "intro", "version"}.
nlohmann::json template_json(const FormTemplate& form);

}  // namespace iro::bridge
