// form: consultation forms, filled in child mode.
//   iro --db F form list
//   iro --db F form fill --child C --template FAMILY_OR_ID --answers FILE.json
//                        [--helped-by H] [--review R] [--complete]
//   iro --db F form show ID [--json]
#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <sstream>

#include "cli_context.hpp"
#include "iro/child_mode.hpp"
#include "iro/error.hpp"
#include "iro/form_template.hpp"

namespace iro::cli {
namespace {

using nlohmann::json;

struct FillOptions {
  std::string child, form, answers_file, helped_by, review;
  std::vector<std::string> attachments;  // files: the child's drawings
  bool complete = false;
};

struct ShowOptions {
  std::string id;
  bool as_json = false;
};

// Every template version the device holds that reads cleanly, by family
// then version. One that does not read is reported and left out.
std::vector<FormTemplate> held_templates(CliContext& context) {
  std::vector<FormTemplate> forms;
  for (const Document& document :
       context.store().query(DocumentQuery::of_kind(Kind::form_template))) {
    if (document.deleted) continue;
    try {
      forms.push_back(parse_form_template(document));
    } catch (const Error& error) {
      context.err() << "iro: skipping " << error.what() << "\n";
    }
  }
  std::sort(forms.begin(), forms.end(), [](const FormTemplate& a, const FormTemplate& b) {
    return a.family != b.family ? a.family < b.family : a.version < b.version;
  });
  return forms;
}

// The newest version of each family.
std::vector<FormTemplate> latest_versions(std::vector<FormTemplate> forms) {
  std::vector<FormTemplate> latest;
  for (FormTemplate& form : forms) {
    if (!latest.empty() && latest.back().family == form.family) {
      latest.back() = std::move(form);  // sorted by version: a newer one
    } else {
      latest.push_back(std::move(form));
    }
  }
  return latest;
}

// A template document id, or a family (its newest version).
FormTemplate find_template(CliContext& context, std::string_view id_or_family) {
  std::optional<FormTemplate> found;
  for (FormTemplate& form : held_templates(context)) {
    if (form.id == id_or_family) return form;
    if (form.family == id_or_family) found = std::move(form);
  }
  if (!found) {
    throw Error(ErrorCode::not_found, "this device holds no form template " +
                                          std::string(id_or_family) +
                                          " (`iro form list`; sync for new ones)");
  }
  return *found;
}

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(ErrorCode::not_found, "cannot read " + path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// {"question_id": "answer", ...}; numbers and booleans are taken as their text
// (a scale's 7, yes/no as true/false).
std::map<std::string, std::string> read_answers(const std::string& path) {
  json answers;
  try {
    answers = json::parse(read_file(path));
  } catch (const json::exception& error) {
    throw Error(ErrorCode::invalid_input, path + " is not JSON: " + error.what());
  }
  if (!answers.is_object()) {
    throw Error(ErrorCode::invalid_input,
                path + " must be an object {\"question_id\": \"answer\"}");
  }
  std::map<std::string, std::string> result;
  for (const auto& [id, value] : answers.items()) {
    if (value.is_string()) {
      result.emplace(id, value.get<std::string>());
    } else if (value.is_number_integer()) {
      result.emplace(id, std::to_string(value.get<std::int64_t>()));
    } else if (value.is_boolean()) {
      result.emplace(id, value.get<bool>() ? "yes" : "no");
    } else {
      throw Error(ErrorCode::invalid_input, path + ": the answer to " + id + " must be text");
    }
  }
  return result;
}

json questions_with_answers(const FormTemplate& form, const Document& consultation) {
  json questions = json::array();
  for (const Question& question : form.questions) {
    const Value* answer = consultation.field(std::string(kAnswerPrefix) + question.id);
    const std::string* text = answer ? std::get_if<std::string>(answer) : nullptr;
    questions.push_back({{"id", question.id},
                         {"type", question.type},
                         {"prompt", question.prompt},
                         {"answer", text ? json(*text) : json(nullptr)}});
  }
  return questions;
}

std::string text_of(const Document& document, std::string_view field) {
  const Value* value = document.field(field);
  const std::string* text = value ? std::get_if<std::string>(value) : nullptr;
  return text ? *text : std::string{};
}

json show_json(CliContext& context, const Document& consultation) {
  const std::string template_id = text_of(consultation, "template_id");
  const std::optional<Document> template_doc = context.store().get(template_id);
  if (!template_doc || template_doc->kind != Kind::form_template) {
    throw Error(ErrorCode::not_found,
                "this device does not hold form template " + template_id + "; sync first");
  }
  const FormTemplate form = parse_form_template(*template_doc);
  json shown = {
      {"id", consultation.id},
      {"child_id", consultation.child_id},
      {"status", text_of(consultation, "status")},
      {"helped_by", text_of(consultation, "helped_by")},
      {"review_id", text_of(consultation, "review_id")},
      {"template",
       {{"id", form.id}, {"family", form.family}, {"version", form.version}, {"name", form.name}}},
      {"questions", questions_with_answers(form, consultation)}};
  for (const FormTemplate& latest : latest_versions(held_templates(context))) {
    if (latest.family != form.family || latest.version <= form.version) continue;
    const MappedAnswers mapped = map_answers(form, latest, consultation);
    json questions = json::array();
    for (const Question& question : latest.questions) {
      json answer = nullptr;
      for (const auto& placed : mapped.mapped) {
        if (placed.question_id == question.id) answer = placed.answer;
      }
      questions.push_back({{"id", question.id},
                           {"type", question.type},
                           {"prompt", question.prompt},
                           {"answer", answer}});
    }
    json unplaced = json::array();
    for (const auto& kept : mapped.unplaced) {
      unplaced.push_back({{"id", kept.question_id},
                          {"prompt", kept.prompt},
                          {"answer", kept.answer},
                          {"from_version", kept.from_version}});
    }
    shown["latest"] = {{"template", {{"id", latest.id}, {"version", latest.version}}},
                       {"questions", std::move(questions)},
                       {"not_in_this_version", std::move(unplaced)}};
  }
  return shown;
}

}  // namespace

void add_form_commands(CLI::App& app, CliContext& context) {
  auto* form = app.add_subcommand("form", "Consultation forms, filled in by the child");
  form->require_subcommand(1);

  auto* list =
      form->add_subcommand("list", "The form templates this device holds (newest versions)");
  list->callback([&context] {
    for (const FormTemplate& latest : latest_versions(held_templates(context))) {
      context.out() << latest.family << "  v" << latest.version << "  " << latest.age_variant
                    << "  " << latest.name << "  " << latest.id << "\n";
    }
  });

  auto fill_options = std::make_shared<FillOptions>();
  auto* fill = form->add_subcommand(
      "fill", "Record a child's answers in child mode; prints the consultation id last");
  fill->add_option("--child", fill_options->child, "The child's id")->required();
  fill->add_option("--template", fill_options->form, "A template family (its newest version) or id")
      ->required();
  fill->add_option("--answers", fill_options->answers_file, "JSON {\"question_id\": \"answer\"}")
      ->required();
  fill->add_option("--helped-by", fill_options->helped_by,
                   "Who helped: nobody, carer, advocate, iro, parent, social_worker, other");
  fill->add_option("--review", fill_options->review, "The review the consultation is for");
  fill->add_flag("--complete", fill_options->complete, "The child has finished the form");
  fill->add_option("--attach", fill_options->attachments,
                   "A drawing or photo the child made (repeatable)")
      ->type_name("FILE");
  fill->callback([&context, fill_options] {
    const FormTemplate chosen = find_template(context, fill_options->form);
    const std::map<std::string, std::string> answers = read_answers(fill_options->answers_file);
    std::vector<Bytes> drawings;  // read before anything is written, like the answers
    for (const std::string& path : fill_options->attachments) {
      drawings.push_back(read_attachment_file(path));
    }
    // Every answer is checked before anything is written: a refused file leaves no half form.
    Document proposed;
    proposed.kind = Kind::consultation;
    for (const auto& [id, text] : answers) {
      if (!text.empty()) proposed.fields.emplace(std::string(kAnswerPrefix) + id, text);
    }
    validate_answers(chosen, proposed);

    const std::string id = start_consultation(context.store(), fill_options->child, chosen.id,
                                              {fill_options->helped_by, fill_options->review});
    ChildModeSession session(context.store(), id);
    for (const Question& question : session.form().questions) {
      const auto found = answers.find(question.id);
      if (found != answers.end() && !found->second.empty()) {
        session.answer(question.id, found->second);
      }
    }
    for (const Bytes& drawing : drawings) session.attach(drawing);
    if (fill_options->complete) session.finish();
    context.out() << "consultation for " << fill_options->child << " on " << chosen.family << " v"
                  << chosen.version << ": " << answers.size() << " answers"
                  << (drawings.empty() ? "" : ", " + std::to_string(drawings.size()) + " attached")
                  << (fill_options->complete ? ", completed" : ", in progress") << "\n"
                  << id << "\n";
  });

  auto show_options = std::make_shared<ShowOptions>();
  auto* show = form->add_subcommand("show", "A consultation's questions and answers");
  show->add_option("ID", show_options->id, "The consultation's id")->required();
  show->add_flag("--json", show_options->as_json, "As JSON");
  show->callback([&context, show_options] {
    const std::optional<Document> consultation = context.store().get(show_options->id);
    if (!consultation || consultation->kind != Kind::consultation) {
      throw Error(ErrorCode::not_found, "no consultation " + show_options->id);
    }
    const json shown = show_json(context, *consultation);
    if (show_options->as_json) {
      context.out() << shown.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
      return;
    }
    const json& form_shown = shown["template"];
    context.out() << "consultation " << consultation->id << " for " << consultation->child_id
                  << " on " << form_shown["family"].get<std::string>() << " v"
                  << form_shown["version"].get<int>() << " (" << shown["status"].get<std::string>()
                  << ")\n";
    for (const json& question : shown["questions"]) {
      context.out() << "  " << question["prompt"].get<std::string>() << "\n    "
                    << (question["answer"].is_null() ? std::string("(no answer)")
                                                     : question["answer"].get<std::string>())
                    << "\n";
    }
    if (shown.contains("latest")) {
      context.out() << "a newer version (v" << shown["latest"]["template"]["version"].get<int>()
                    << ") exists: `iro form show " << consultation->id
                    << " --json` maps these answers to it\n";
    }
  });
}

}  // namespace iro::cli
