// `iro-server admin publish-template`: a new version of a consultation form
// template for a council. Every version is its own form_template document
// (child_id "", so every device of the council pulls it); versions of one
// form share a family and number up from 1. Old versions stay: a tablet
// that has not synced yet still submits answers to the version it holds.
#pragma once

#include <CLI/CLI.hpp>
#include <span>
#include <string>
#include <string_view>

#include "iro/uuid.hpp"
#include "service/server_clock.hpp"
#include "store/server_store.hpp"

namespace iro::server {

class AdminContext;

struct PublishedTemplate {
  std::string id;  // the new form_template document
  std::string family;
  int version = 0;
};

// Publishes the template `spec_json` describes ({"family", "name",
// "age_variant", "intro", "questions": [...]}, data/form-templates/README.md)
// as the family's next version, written as the server writes imported
// records so devices pull it. Throws Error(not_found) for an unknown tenant
// and Error(invalid_input) naming what is wrong with the template.
PublishedTemplate publish_template(StoreTxn& txn, std::string_view tenant,
                                   std::string_view spec_json, TxnClock& clock,
                                   UuidV7Generator& ids);

void add_template_commands(CLI::App& admin, AdminContext& context);

}  // namespace iro::server
