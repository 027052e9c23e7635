// conflicts: the words that lost an overlapping merge, and resolving them.
//   iro --db F conflicts [--json]
//   iro --db F conflicts resolve DOC_ID SLOT (--keep | --take | --text TEXT)
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli_context.hpp"
#include "iro/error.hpp"
#include "iro/json.hpp"

namespace iro::cli {
namespace {

struct ResolveOptions {
  std::string doc_id;
  std::string slot;
  bool keep = false;
  bool take = false;
  std::string text;
};

const Conflict* find_conflict(const Document& document, std::string_view slot) {
  for (const Conflict& conflict : document.conflicts) {
    if (conflict.slot == slot) return &conflict;
  }
  return nullptr;
}

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
        const Value* current = document.field(conflict.field);
        if (*as_json) {
          const nlohmann::json line = {
              {"doc_id", document.id},
              {"kind", std::string(to_string(document.kind))},
              {"child_id", document.child_id},
              {"id", conflict.slot},
              {"field", conflict.field},
              {"value", value_to_json(conflict.value)},
              {"current", current ? value_to_json(*current) : nlohmann::json(nullptr)},
              {"device_id", conflict.device_id},
              {"hlc", conflict.hlc.to_string()}};
          context.out() << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                        << "\n";
          continue;
        }
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
    DeviceStore& store = context.store();
    const auto document = store.get(options->doc_id);
    const Conflict* conflict = document ? find_conflict(*document, options->slot) : nullptr;
    if (conflict == nullptr) {
      throw Error(ErrorCode::not_found,
                  "no conflict " + options->slot + " on record " + options->doc_id);
    }
    std::optional<Value> words;
    if (options->take) words = conflict->value;
    if (text->count() > 0) words = Value{options->text};
    store.resolve_conflict(options->doc_id, options->slot, words);
    context.out() << "resolved " << options->slot << "\n";
  });
}

}  // namespace iro::cli
