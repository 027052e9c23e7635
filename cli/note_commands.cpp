// note add / note edit: the visit note an IRO writes after seeing a child.
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli_context.hpp"
#include "iro/error.hpp"
#include "iro/json.hpp"

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

// Notes per transaction in a bulk import: big enough that a month of notes
// imports in a few commits, small enough to bound one transaction's size.
constexpr std::size_t kImportBatch = 500;

// One line of a note import: {"child": C, "text": T} and optionally "date",
// "place", "visit_type", "seen_alone". Throws Error(invalid_input).
NewRecord note_from_json_line(const std::string& line) {
  const auto json = nlohmann::json::parse(line, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    throw Error(ErrorCode::invalid_input, "not a JSON object");
  }
  NewRecord record;
  for (const auto& [key, value] : json.items()) {
    if (key == "child") {
      if (!value.is_string()) throw Error(ErrorCode::invalid_input, "\"child\" must be text");
      record.child_id = value.get<std::string>();
    } else if (key == "text") {
      if (!value.is_string()) throw Error(ErrorCode::invalid_input, "\"text\" must be text");
      record.fields.insert_or_assign("note", value.get<std::string>());
    } else if (key == "date" || key == "place" || key == "visit_type" || key == "seen_alone") {
      const KindSchema& schema = schema_for(Kind::visit);
      record.fields.insert_or_assign(key, value_from_json(schema, key, *schema.find(key), value));
    } else {
      throw Error(ErrorCode::invalid_input, "unknown field \"" + key.substr(0, 40) + "\"");
    }
  }
  if (record.child_id.empty()) throw Error(ErrorCode::invalid_input, "\"child\" is missing");
  if (!record.fields.contains("note")) throw Error(ErrorCode::invalid_input, "\"text\" is missing");
  return record;
}

struct ImportTally {
  std::size_t imported = 0;
  std::size_t refused = 0;
};

void import_batch(DeviceStore& store, std::vector<NewRecord>& batch,
                  std::vector<std::size_t>& lines, ImportTally& tally, std::ostream& out) {
  const auto results = store.create_batch(batch);
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].error.empty()) {
      ++tally.imported;
    } else {
      ++tally.refused;
      out << "line " << lines[i] << ": " << results[i].error << "\n";
    }
  }
  batch.clear();
  lines.clear();
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

  auto import_file = std::make_shared<std::string>();
  auto* import = note->add_subcommand(
      "import", "Bulk-import visit notes: one {\"child\": C, \"text\": T} per line");
  import->add_option("FILE", *import_file, "JSON lines")->required();
  import->callback([&context, import_file] {
    std::ifstream file(*import_file);
  if (!file) throw Error(ErrorCode::not_found, "cannot read " + *import_file);
  DeviceStore& store = context.store();
  const std::string today = local_today().to_string();
  ImportTally tally;
  std::vector<NewRecord> batch;
  std::vector<std::size_t> lines;
  std::string line;
  for (std::size_t number = 1; std::getline(file, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      NewRecord record = note_from_json_line(line);
      if (!record.fields.contains("date")) {
        add_assignment(Kind::visit, "date=" + today, record.fields);
      }
      batch.push_back(std::move(record));
      lines.push_back(number);
    } catch (const Error& error) {
      ++tally.refused;
      context.out() << "line " << number << ": " << error.what() << "\n";
    }
    if (batch.size() == kImportBatch) import_batch(store, batch, lines, tally, context.out());
  }
  if (!batch.empty()) import_batch(store, batch, lines, tally, context.out());
  context.out() << "imported " << tally.imported << " notes, refused " << tally.refused << "\n";
  if (tally.refused > 0) {
    context.err() << "iro: " << tally.refused << " lines refused (listed above); the other "
                  << tally.imported << " were imported\n";
    context.exit_code = 1;
  }
});
}  // namespace iro::cli

}  // namespace iro::cli
