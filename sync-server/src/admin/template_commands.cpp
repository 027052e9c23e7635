#include "admin/template_commands.hpp"

#include <algorithm>
#include <memory>

#include "admin/admin_commands.hpp"
#include "iro/clock.hpp"
#include "iro/error.hpp"
#include "iro/form_template.hpp"

namespace iro::server {
namespace {

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
  // Numbered 1 to read the family; renumbered as the family's next version.
  Document document;
  document.kind = Kind::form_template;
  document.fields = form_template_fields(spec_json, 1);
  const std::string family = std::get<std::string>(document.fields.at("family"));
  const int version = latest_version(txn, tenant, family) + 1;
  document.fields.insert_or_assign("version", std::int64_t{version});
  document.id = ids.next(clock.now_ms());

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
