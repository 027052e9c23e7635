// add / edit / delete: any record kind a device may write, field by field.
//   iro --db F add review --child C --set date=2024-05-01 --set participation_code=PN1
#include <memory>
#include <ostream>

#include "cli_context.hpp"
#include "iro/error.hpp"

namespace iro::cli {
namespace {

struct RecordOptions {
  std::string kind;
  std::string child;
  std::string id;
  std::vector<std::string> assignments;
  std::vector<std::string> clears;
};

Kind parse_kind_or_throw(const std::string& name) {
  if (auto kind = parse_kind(name)) return *kind;
  throw Error(ErrorCode::invalid_input, "\"" + name + "\" is not a record kind");
}

FieldMap fields_from(Kind kind, const RecordOptions& options) {
  FieldMap fields;
  for (const std::string& assignment : options.assignments) {
    add_assignment(kind, assignment, fields);
  }
  for (const std::string& field : options.clears) add_assignment(kind, field + "=", fields);
  return fields;
}

}  // namespace

void add_record_commands(CLI::App& app, CliContext& context) {
  auto add_options = std::make_shared<RecordOptions>();
  auto* add = app.add_subcommand("add", "Create a record of any kind; prints its id last");
  add->add_option("KIND", add_options->kind,
                  "review, visit, consultation, letter, challenge, midway")
      ->required();
  add->add_option("--child", add_options->child, "The child's id")->required();
  add->add_option("--set", add_options->assignments, "FIELD=VALUE (repeatable)");
  add->callback([&context, add_options] {
    const Kind kind = parse_kind_or_throw(add_options->kind);
    context.out() << context.store().create(kind, add_options->child,
                                            fields_from(kind, *add_options))
                  << "\n";
  });

  auto edit_options = std::make_shared<RecordOptions>();
  auto* edit = app.add_subcommand("edit", "Change fields of a record");
  edit->add_option("ID", edit_options->id, "The record's id")->required();
  edit->add_option("--set", edit_options->assignments, "FIELD=VALUE (repeatable)");
  edit->add_option("--clear", edit_options->clears, "FIELD to unset (repeatable)");
  edit->callback([&context, edit_options] {
    DeviceStore& store = context.store();
    const auto existing = store.get(edit_options->id);
    if (!existing) throw Error(ErrorCode::not_found, "no document " + edit_options->id);
    const FieldMap fields = fields_from(existing->kind, *edit_options);
    if (fields.empty()) throw Error(ErrorCode::invalid_input, "nothing to change: give --set");
    store.edit(edit_options->id, fields);
  });

  auto delete_id = std::make_shared<std::string>();
  auto* remove = app.add_subcommand("delete", "Delete a record");
  remove->add_option("ID", *delete_id, "The record's id")->required();
  remove->callback([&context, delete_id] { context.store().remove(*delete_id); });
}

}  // namespace iro::cli
