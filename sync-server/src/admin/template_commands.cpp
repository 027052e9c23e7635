#include "admin/template_commands.hpp"

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "admin/admin_commands.hpp"
#include "iro/clock.hpp"
#include "iro/error.hpp"
#include "iro/form_template.hpp"
#include "iro/validation.hpp"

namespace iro::server {
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

// The newest version of `family` the council has published; 0 for none.
int latest_version(StoreTxn& txn, std::string_view tenant, std::string_view family) {
  int latest = 0;
  const DeviceIdentity whole_council{"", "", std::string(tenant), Role::admin};
  for (const Document& document : txn.documents_in_scope(whole_council, Kind::form_template)) {
    const Value* name = document.field("family");
    const Value* version = document.field("version");
    const auto* text = name ? std::get_if<std::string>(name) : nullptr;
    const auto* number = version ? std::get_if<std::int64_t>(version) : nullptr;
    if (text && *text == family && number) latest = std::max(latest, static_cast<int>(*number));
  }
  return latest;
}

}  // namespace

PublishedTemplate publish_template(StoreTxn& txn, std::string_view tenant,
                                   std::string_view spec_json, TxnClock& clock,
                                   UuidV7Generator& ids) {
  if (!txn.tenant_exists(tenant))
    throw Error(ErrorCode::not_found, "no tenant " + std::string(tenant));
  json spec;
  try {
    spec = json::parse(spec_json);
  } catch (const json::exception& error) {
    invalid(std::string("the template is not JSON: ") + error.what());
  }
  if (!spec.is_object()) invalid("the template must be a JSON object");
  if (!spec.contains("questions") || !spec["questions"].is_array()) {
    invalid("the template has no \"questions\" list");
  }

  Document document;
  document.id = ids.next(clock.now_ms());
  document.kind = Kind::form_template;
  const std::string family = text_member(spec, "family", true);
  // The family names the form in commands and reports: the question id rule keeps it plain.
  if (family.empty() || family.size() > 48 ||
      family.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
    invalid("the template's family \"" + family.substr(0, 60) +
            "\" must be 1-48 of a-z, 0-9 and '_'");
  }
  const int version = latest_version(txn, tenant, family) + 1;
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

  const DocumentRow record{document.id, std::string(tenant), Kind::form_template, "", false};
  txn.put_document(record);
  for (const auto& [name, value] : document.fields) {
    write_server_field(txn, record, name, value, clock);
  }
  return {record.id, family, version};
}

void add_template_commands(CLI::App& admin, AdminContext& context) {
  struct PublishOptions {
    std::string tenant, file;
  };
  auto options = std::make_shared<PublishOptions>();
  auto* command = admin.add_subcommand(
      "publish-template",
      "Publish a consultation form template as its family's next version; prints its id last");
  command->add_option("--tenant", options->tenant, "The council")->required();
  command->add_option("FILE", options->file, "The template as JSON (data/form-templates/)")
      ->required();
  command->callback([&context, options] {
    const std::string spec = read_text_file(options->file);
    UuidV7Generator ids;
    PublishedTemplate published;
    context.write_audited(AuditAction::publish_template, [&](StoreTxn& txn, AuditRow& row) {
      row.tenant = options->tenant;
      TxnClock clock(txn, system_clock());
      published = publish_template(txn, options->tenant, spec, clock, ids);
      clock.save();
      row.doc_id = published.id;
      row.detail = "form template " + published.family + " v" + std::to_string(published.version) +
                   " published";
    });
    context.out() << "published " << published.family << " version " << published.version << "\n"
                  << published.id << "\n";
  });
}

}  // namespace iro::server
