// demo seed: fills a device store with a synthetic caseload and the
// consultation forms that ship with iro-sync, as if it had synced with the
// demo county's server: a tablet to try offline, and the app's tests' store.
#include <memory>
#include <ostream>

#include "cli_context.hpp"
#include "iro/demo_county.hpp"
#include "iro/form_template.hpp"
#include "iro/uuid.hpp"

namespace iro::cli {

void add_demo_commands(CLI::App& app, CliContext& context) {
  auto* demo = app.add_subcommand("demo", "Synthetic demo data (no real people)");
  demo->require_subcommand(1);

  struct SeedOptions {
    std::size_t children = 12;
    std::uint64_t seed = 2024;
  };
  auto options = std::make_shared<SeedOptions>();
  auto* seed = demo->add_subcommand("seed", "Add a synthetic caseload of children");
  seed->add_option("--children", options->children, "How many children")
      ->check(CLI::Range(1, 5000));
  seed->add_option("--seed", options->seed, "Random seed (same seed, same children)");
  seed->callback([&context, options] {
    DeviceStore& store = context.store();
    store.set_tenant("demo-county");
    UuidV7Generator ids;
    std::vector<ChangeEntry> changes;
    for (const DemoChild& child :
         make_demo_children(options->children, options->seed, local_today())) {
      const std::string doc_id = ids.next(system_clock().now_ms());
      for (const auto& [field, value] : child_record_fields(child)) {
        ChangeEntry change;
        change.change.doc_id = doc_id;
        change.change.kind = Kind::child;
        change.change.child_id = child.child_id;
        change.change.field = field;
        change.change.value = value;
        change.change.hlc = Hlc::from_parts(system_clock().now_ms(), 0);
        changes.push_back(std::move(change));
      }
      context.out() << child.child_id << "  " << child.first_name << " " << child.last_name
                    << "  born " << child.date_of_birth.to_string() << "\n";
    }
    // The consultation forms the demo county publishes, for child mode.
    for (const std::string_view form : bundled_form_templates()) {
      const std::string doc_id = ids.next(system_clock().now_ms());
      for (auto& [field, value] : form_template_fields(form, 1)) {
        ChangeEntry change;
        change.change.doc_id = doc_id;
        change.change.kind = Kind::form_template;
        change.change.field = field;
        change.change.value = std::move(value);
        change.change.hlc = Hlc::from_parts(system_clock().now_ms(), 0);
        changes.push_back(std::move(change));
      }
    }
    store.apply_changes(changes, 0);
  });
}

}  // namespace iro::cli
