#include "iro/child_mode.hpp"

#include "iro/error.hpp"
#include "iro/store.hpp"

namespace iro {
namespace {

constexpr std::string_view kCompleted = "completed";

std::string text_of(const Document& document, std::string_view field) {
  const Value* value = document.field(field);
  const std::string* text = value ? std::get_if<std::string>(value) : nullptr;
  return text ? *text : std::string{};
}

Document load_template(const DeviceStore& store, std::string_view template_id) {
  std::optional<Document> found = store.get(template_id);
  if (!found || found->deleted || found->kind != Kind::form_template) {
    throw Error(ErrorCode::not_found, "this device does not hold form template " +
                                          std::string(template_id) + "; sync first");
  }
  return *std::move(found);
}

Document load_consultation(const DeviceStore& store, std::string_view consultation_id) {
  std::optional<Document> found = store.get(consultation_id);
  if (!found || found->deleted) {
    throw Error(ErrorCode::not_found, "no consultation " + std::string(consultation_id));
  }
  if (found->kind != Kind::consultation) {
    throw Error(ErrorCode::invalid_input,
                "document " + std::string(consultation_id) + " is not a consultation");
  }
  return *std::move(found);
}

// The name the child goes by: the one they asked for, else their first name.
std::string name_of_child(const DeviceStore& store, const std::string& child_id) {
  DocumentQuery query = DocumentQuery::of_child(child_id);
  query.kind = Kind::child;
  for (const Document& child : store.query(query)) {
    if (std::string preferred = text_of(child, "preferred_name"); !preferred.empty()) {
      return preferred;
    }
    return text_of(child, "first_name");
  }
  return {};
}

}  // namespace

std::string start_consultation(DeviceStore& store, std::string_view child_id,
                               std::string_view template_id, const ConsultationSetup& setup) {
  const FormTemplate form = parse_form_template(load_template(store, template_id));
  FieldMap fields;
  fields.emplace("template_id", form.id);
  fields.emplace("template_version", std::int64_t{form.version});
  fields.emplace("age_variant", form.age_variant);
  if (!setup.helped_by.empty()) fields.emplace("helped_by", setup.helped_by);
  if (!setup.review_id.empty()) fields.emplace("review_id", setup.review_id);
  return store.create(Kind::consultation, child_id, fields);
}

ChildModeSession::ChildModeSession(DeviceStore& store, std::string_view consultation_id)
    : m_store(store), m_consultation_id(consultation_id) {
  const Document consultation = load_consultation(store, consultation_id);
  const std::string template_id = text_of(consultation, "template_id");
  if (template_id.empty()) {
    throw Error(ErrorCode::invalid_input,
                "consultation " + m_consultation_id + " has no form template");
  }
  m_form = parse_form_template(load_template(store, template_id));
  m_child_name = name_of_child(store, consultation.child_id);
}

std::map<std::string, std::string> ChildModeSession::answers() const {
  std::map<std::string, std::string> answers;
  const Document consultation = load_consultation(m_store, m_consultation_id);
  for (const auto& [name, value] : consultation.fields) {
    if (!name.starts_with(kAnswerPrefix)) continue;
    if (const std::string* text = std::get_if<std::string>(&value)) {
      answers.emplace(name.substr(kAnswerPrefix.size()), *text);
    }
  }
  return answers;
}

bool ChildModeSession::finished() const {
  return text_of(load_consultation(m_store, m_consultation_id), "status") == kCompleted;
}

void ChildModeSession::require_open() const {
  if (finished()) {
    throw Error(ErrorCode::invalid_input,
                "consultation " + m_consultation_id + " is completed; it takes no more answers");
  }
}

void ChildModeSession::answer(std::string_view question_id, std::string_view text) {
  require_open();
  if (!m_form.find(question_id)) {
    throw Error(ErrorCode::invalid_input, "consultation.answer." + std::string(question_id) +
                                              ": template " + m_form.family + " v" +
                                              std::to_string(m_form.version) + " has no question " +
                                              std::string(question_id));
  }
  Document proposed;
  proposed.kind = Kind::consultation;
  const std::string field = std::string(kAnswerPrefix) + std::string(question_id);
  if (!text.empty()) proposed.fields.emplace(field, std::string(text));
  validate_answers(m_form, proposed);  // the store checks again; this says it before writing
  m_store.edit(m_consultation_id, {{field, text.empty() ? Value{} : Value{std::string(text)}}});
}

void ChildModeSession::finish() {
  require_open();
  m_store.edit(m_consultation_id, {{"status", std::string(kCompleted)}});
}

std::string ChildModeSession::attach(std::span<const std::uint8_t> bytes) {
  require_open();
  return m_store.add_attachment(m_consultation_id, bytes);
}

}  // namespace iro
