#include "iro/form_template.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "iro/error.hpp"

namespace iro {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 7> kQuestionTypes = {
    "free_text", "choice", "scale", "yes_no", "people", "where_when", "do_not_discuss"};

// Scale answers are small whole numbers (0-10 is usual); the bound keeps a
// template from asking for something no child can pick on a slider.
constexpr int kScaleLimit = 100;

[[noreturn]] void invalid(const std::string& message) {
  throw Error(ErrorCode::invalid_input, message);
}

// Question ids become field names answer.<id>: the rule is the field family's.
bool is_question_id(std::string_view id) {
  if (id.empty() || id.size() > 48) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string text_field(const Document& document, std::string_view name) {
  const Value* value = document.field(name);
  const std::string* text = value ? std::get_if<std::string>(value) : nullptr;
  return text ? *text : std::string{};
}

std::string string_member(const json& object, const char* key, const std::string& where) {
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) return {};
  if (!found->is_string()) invalid(where + "." + key + " must be text");
  return found->get<std::string>();
}

int int_member(const json& object, const char* key, int fallback, const std::string& where) {
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) return fallback;
  if (!found->is_number_integer()) invalid(where + "." + key + " must be a whole number");
  const auto number = found->get<std::int64_t>();
  if (number < -kScaleLimit || number > kScaleLimit) {
    invalid(where + "." + key + " must be within -100..100");
  }
  return static_cast<int>(number);
}

Question parse_question(const json& item, const std::string& where) {
  if (!item.is_object()) invalid(where + " must be an object");
  Question question;
  question.id = string_member(item, "id", where);
  if (!is_question_id(question.id)) {
    invalid(where + ".id \"" + question.id.substr(0, 60) +
            "\" is not a question id (1-48 of a-z, 0-9, '_')");
  }
  const std::string named = where + " (" + question.id + ")";
  question.type = string_member(item, "type", named);
  if (std::find(kQuestionTypes.begin(), kQuestionTypes.end(), question.type) ==
      kQuestionTypes.end()) {
    invalid(named + ": unknown type \"" + question.type.substr(0, 40) +
            "\" (free_text, choice, scale, yes_no, people, where_when, do_not_discuss)");
  }
  question.prompt = string_member(item, "prompt", named);
  if (question.prompt.empty()) invalid(named + " has no prompt");
  question.picture = string_member(item, "picture", named);
  question.replaces = string_member(item, "replaces", named);
  if (!question.replaces.empty() && !is_question_id(question.replaces)) {
    invalid(named + ".replaces is not a question id");
  }
  if (const auto options = item.find("options"); options != item.end() && !options->is_null()) {
    if (!options->is_array()) invalid(named + ".options must be a list of text");
    for (const json& option : *options) {
      if (!option.is_string() || option.get<std::string>().empty()) {
        invalid(named + ".options must be a list of text");
      }
      question.options.push_back(option.get<std::string>());
    }
  }
  if (question.type == "choice" && question.options.empty()) {
    invalid(named + ": a choice question needs options");
  }
  if (question.type != "choice" && !question.options.empty()) {
    invalid(named + ": only a choice question has options");
  }
  question.min = int_member(item, "min", question.min, named);
  question.max = int_member(item, "max", question.max, named);
  if (question.type == "scale" && question.min >= question.max) {
    invalid(named + ": scale min " + std::to_string(question.min) + " must be below max " +
            std::to_string(question.max));
  }
  return question;
}

std::string describe_template(const FormTemplate& form) {
  return "template " + form.family + " v" + std::to_string(form.version);
}

std::optional<long long> whole_number(std::string_view text) {
  long long number = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, number);
  if (ec != std::errc{} || ptr != end || text.empty()) return std::nullopt;
  return number;
}

// Every answer.<id> field of the consultation, with its text.
std::vector<std::pair<std::string, std::string>> answers_of(const Document& consultation) {
  std::vector<std::pair<std::string, std::string>> answers;
  for (const auto& [name, value] : consultation.fields) {
    if (!name.starts_with(kAnswerPrefix)) continue;
    const std::string* text = std::get_if<std::string>(&value);
    answers.emplace_back(name.substr(kAnswerPrefix.size()), text ? *text : describe(value));
  }
  return answers;
}

const std::string* answer_to(const Document& consultation, std::string_view question_id) {
  const Value* value = consultation.field(std::string(kAnswerPrefix) + std::string(question_id));
  return value ? std::get_if<std::string>(value) : nullptr;
}

}  // namespace

const Question* FormTemplate::find(std::string_view question_id) const {
  for (const Question& question : questions) {
    if (question.id == question_id) return &question;
  }
  return nullptr;
}

FormTemplate parse_form_template(const Document& template_doc) {
  if (template_doc.kind != Kind::form_template) {
    invalid("document " + template_doc.id + " is a " + std::string(to_string(template_doc.kind)) +
            ", not a form_template");
  }
  FormTemplate form;
  form.id = template_doc.id;
  form.family = text_field(template_doc, "family");
  form.name = text_field(template_doc, "name");
  form.age_variant = text_field(template_doc, "age_variant");
  form.intro = text_field(template_doc, "intro");
  const Value* version = template_doc.field("version");
  const auto* number = version ? std::get_if<std::int64_t>(version) : nullptr;
  const std::string where = "form_template " + template_doc.id;
  if (!number || *number < 1 || *number > 1'000'000) invalid(where + " has no version");
  form.version = static_cast<int>(*number);
  if (form.family.empty()) invalid(where + " has no family");

  const std::string questions_text = text_field(template_doc, "questions");
  json questions;
  try {
    questions = json::parse(questions_text);
  } catch (const json::exception& error) {
    invalid(where + ".questions is not JSON: " + error.what());
  }
  if (!questions.is_array() || questions.empty()) {
    invalid(where + ".questions must be a non-empty list of questions");
  }
  std::set<std::string, std::less<>> ids;
  for (std::size_t i = 0; i < questions.size(); ++i) {
    Question question =
        parse_question(questions[i], where + ".questions[" + std::to_string(i) + "]");
    if (!ids.insert(question.id).second) {
      invalid(where + ": question id \"" + question.id + "\" is used twice");
    }
    form.questions.push_back(std::move(question));
  }
  return form;
}

void validate_answers(const FormTemplate& form, const Document& consultation) {
  for (const auto& [id, answer] : answers_of(consultation)) {
    const std::string field = "consultation.answer." + id;
    const Question* question = form.find(id);
    if (!question) invalid(field + ": " + describe_template(form) + " has no question " + id);
    if (question->type == "scale") {
      const auto number = whole_number(answer);
      if (!number || *number < question->min || *number > question->max) {
        invalid(field + ": a scale answer is a whole number from " + std::to_string(question->min) +
                " to " + std::to_string(question->max));
      }
    } else if (question->type == "yes_no") {
      if (answer != "yes" && answer != "no") invalid(field + ": the answer is \"yes\" or \"no\"");
    } else if (question->type == "choice") {
      if (std::find(question->options.begin(), question->options.end(), answer) ==
          question->options.end()) {
        std::string options;
        for (const std::string& option : question->options) {
          options += (options.empty() ? "" : ", ") + option;
        }
        invalid(field + ": the answer is one of: " + options);
      }
    }
  }
}

void validate_consultation(const Document& consultation, const Document& template_doc) {
  const FormTemplate form = parse_form_template(template_doc);
  const Value* version = consultation.field("template_version");
  const auto* number = version ? std::get_if<std::int64_t>(version) : nullptr;
  if (number && *number != form.version) {
    invalid("consultation.template_version: " + std::to_string(*number) + " does not match " +
            describe_template(form) + " (" + form.id + ")");
  }
  validate_answers(form, consultation);
}

std::vector<QuotedAnswer> answers_for_letter(const FormTemplate& form,
                                             const Document& consultation) {
  std::vector<QuotedAnswer> quoted;
  for (const Question& question : form.questions) {
    // What the child asked not to be talked about is never quoted back.
    if (question.type == "do_not_discuss") continue;
    const std::string* answer = answer_to(consultation, question.id);
    if (!answer || answer->empty()) continue;
    quoted.push_back({question.prompt, *answer});
  }
  return quoted;
}

MappedAnswers map_answers(const FormTemplate& from, const FormTemplate& to,
                          const Document& consultation) {
  MappedAnswers result;
  std::set<std::string, std::less<>> taken;  // `to` question ids already given an answer
  std::vector<std::pair<std::string, std::string>> answers = answers_of(consultation);
  // In `from`'s question order; answers to no question of `from` last.
  auto position = [&](const std::string& id) {
    for (std::size_t i = 0; i < from.questions.size(); ++i) {
      if (from.questions[i].id == id) return i;
    }
    return from.questions.size();
  };
  std::stable_sort(answers.begin(), answers.end(), [&](const auto& a, const auto& b) {
    return position(a.first) < position(b.first);
  });

  std::vector<std::pair<std::string, std::string>> placed;  // (to id, answer)
  for (const auto& [id, answer] : answers) {
    const Question* target = to.find(id);
    if (!target) {
      for (const Question& question : to.questions) {
        if (question.replaces == id) {
          target = &question;
          break;
        }
      }
    }
    if (target && taken.insert(target->id).second) {
      placed.emplace_back(target->id, answer);
      continue;
    }
    const Question* old = from.find(id);
    result.unplaced.push_back({id, old ? old->prompt : std::string{}, answer, from.version});
  }
  for (const Question& question : to.questions) {
    for (const auto& [id, answer] : placed) {
      if (id == question.id) result.mapped.push_back({id, answer});
    }
  }
  return result;
}

}  // namespace iro
