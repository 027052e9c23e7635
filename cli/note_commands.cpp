// note add / note edit: the visit note an IRO writes after seeing a child.
#include <memory>
#include <ostream>

#include "cli_context.hpp"
#include "iro/error.hpp"

namespace iro::cli {
namespace {

struct NoteOptions {
  std::string child;
  std::string text;
  std::string date;
  std::string place;
  std::string visit_type;
  std::string seen_alone;
  std::string id;
};

// Adds the optional visit details the user gave to `fields`.
void add_visit_details(const NoteOptions& options, FieldMap& fields) {
  const std::pair<const char*, const std::string*> details[] = {
      {"date", &options.date},
      {"place", &options.place},
      {"visit_type", &options.visit_type},
      {"seen_alone", &options.seen_alone}};
  for (const auto& [field, text] : details) {
    if (!text->empty()) add_assignment(Kind::visit, std::string(field) + "=" + *text, fields);
  }
}

void add_detail_options(CLI::App& command, NoteOptions& options) {
  command.add_option("--date", options.date, "When the visit took place (YYYY-MM-DD)");
  command.add_option("--place", options.place, "Where: placement, school...");
  command.add_option("--type", options.visit_type, "pre_review, midway or other");
  command.add_option("--seen-alone", options.seen_alone, "yes or no");
}

}  // namespace

void add_note_commands(CLI::App& app, CliContext& context) {
  auto* note = app.add_subcommand("note", "Visit notes");
  note->require_subcommand(1);

  auto add_options = std::make_shared<NoteOptions>();
  auto* add = note->add_subcommand("add", "Record a visit note; prints its id last");
  add->add_option("--child", add_options->child, "The child's id")->required();
  add->add_option("--text", add_options->text, "What the note says")->required();
  add_detail_options(*add, *add_options);
  add->callback([&context, add_options] {
    FieldMap fields = {{"note", add_options->text}};
    add_assignment(Kind::visit, "date=" + local_today().to_string(), fields);
    add_visit_details(*add_options, fields);
    context.out() << context.store().create(Kind::visit, add_options->child, fields) << "\n";
  });

  auto edit_options = std::make_shared<NoteOptions>();
  auto* edit = note->add_subcommand("edit", "Change a visit note's text or details");
  edit->add_option("ID", edit_options->id, "The note's id")->required();
  edit->add_option("--text", edit_options->text, "The note's new text");
  add_detail_options(*edit, *edit_options);
  edit->callback([&context, edit_options] {
    DeviceStore& store = context.store();
    const auto existing = store.get(edit_options->id);
    if (existing && existing->kind != Kind::visit) {
      throw Error(ErrorCode::invalid_input, edit_options->id + " is a " +
                                                std::string(to_string(existing->kind)) +
                                                ", not a visit note");
    }
    FieldMap fields;
    if (!edit_options->text.empty()) fields.emplace("note", edit_options->text);
    add_visit_details(*edit_options, fields);
    if (fields.empty()) throw Error(ErrorCode::invalid_input, "nothing to change: give --text");
    store.edit(edit_options->id, fields);
  });
}

}  // namespace iro::cli
