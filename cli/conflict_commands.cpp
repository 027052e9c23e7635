// conflicts: the words that lost an overlapping merge, and resolving them.
//   iro --db F conflicts [--json]
//   iro --db F conflicts resolve DOC_ID SLOT (--keep | --take | --text TEXT)
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli_context.hpp"
#include "iro/conflicts.hpp"
#include "iro/error.hpp"

namespace iro::cli {
namespace {

struct ResolveOptions {
  std::string doc_id;
  std::string slot;
  bool keep = false;
  bool take = false;
  std::string text;
};

}  // namespace

void add_conflict_commands(CLI::App& app, CliContext& context) {
  auto* conflicts = app.add_subcommand(
      "conflicts", "Words that lost an overlapping merge, kept until the IRO resolves them");
  auto as_json = std::make_shared<bool>(false);
  conflicts->add_flag("--json", *as_json, "One JSON object per conflict, one per line");
  conflicts->callback([&context, conflicts, as_json] {
    if (conflicts->get_subcommands().size() > 0) return;  // `conflicts resolve` ran
    for (const Document& document : context.store().query(DocumentQuery::everything())) {
      for (const Conflict& conflict : document.conflicts) {
        if (*as_json) {
          context.out() << conflict_to_json(document, conflict)
                               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                        << "\n";
          continue;
        }
        const Value* current = document.field(conflict.field);
        context.out() << document.id << "  " << conflict.slot << "  " << to_string(document.kind)
                      << " of " << document.child_id << ", typed on " << conflict.device_id
                      << " at " << conflict.hlc.to_string() << "\n"
                      << "  kept:     " << (current ? describe(*current, 400) : "(empty)") << "\n"
                      << "  conflict: " << describe(conflict.value, 400) << "\n";
      }
    }
  });

  auto options = std::make_shared<ResolveOptions>();
  auto* resolve = conflicts->add_subcommand(
      "resolve", "Resolve one conflict; the resolution syncs to every device");
  resolve->add_option("DOC_ID", options->doc_id, "The record")->required();
  resolve->add_option("ID", options->slot, "The conflict's id, e.g. note#42")->required();
  auto* keep = resolve->add_flag("--keep", options->keep, "Keep the record's words as they are");
  auto* take =
      resolve->add_flag("--take", options->take, "Replace the record's words with the conflict's");
  auto* text = resolve->add_option("--text", options->text, "The words to keep instead");
  keep->excludes(take)->excludes(text);
  take->excludes(text);
  resolve->callback([&context, options, keep, take, text] {
    if (keep->count() + take->count() + text->count() != 1) {
      throw Error(ErrorCode::invalid_input, "say how to resolve it: --keep, --take or --text");
    }
    const ConflictResolution how = options->take       ? ConflictResolution::take
                                   : text->count() > 0 ? ConflictResolution::text
                                                       : ConflictResolution::keep;
    resolve_device_conflict(context.store(), options->doc_id, options->slot, how, options->text);
    context.out() << "resolved " << options->slot << "\n";
  });
}

}  // namespace iro::cli
