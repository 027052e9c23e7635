#include "app/child_mode_ops.hpp"

#include "app/passphrase_set.hpp"

#include <algorithm>
#include <array>

#include "form_json.hpp"
#include "iro/base64.hpp"
#include "iro/blob.hpp"
#include "iro/child_mode.hpp"
#include "iro/error.hpp"
#include "iro/keyring.hpp"
#include "passphrase_guard.hpp"

namespace iro::app {
namespace {

using nlohmann::json;

// The age variant a child of `age` is offered first; the IRO may choose
// another (a 7-year-old who reads well, a 13-year-old who likes pictures).
std::string variant_for_age(int age) {
  if (age < 8) return "under_8";
  if (age < 13) return "8_to_12";
  return "13_plus";
}

std::optional<Date> birth_date(const DeviceStore& store, std::string_view child_id) {
  DocumentQuery query = DocumentQuery::of_child(std::string(child_id));
  query.kind = Kind::child;
  for (const Document& child : store.query(query)) {
    if (child.deleted) continue;
    const Value* value = child.field("date_of_birth");
    if (const Date* date = value ? std::get_if<Date>(value) : nullptr) return *date;
    return std::nullopt;
  }
  throw Error(ErrorCode::not_found,
              "this device holds no child " + std::string(child_id.substr(0, 64)));
}

// The consultation child mode was started for.
std::string current_consultation(const DeviceStore& store) {
  const std::optional<std::string> id = store.app_child_mode();
  if (!id) throw Error(ErrorCode::internal, "child mode without a consultation");
  return *id;
}

std::size_t attachment_count(const DeviceStore& store, std::string_view id) {
  const std::optional<Document> document = store.get(id);
  const Value* value = document ? document->field(kAttachmentsField) : nullptr;
  const auto* hashes = value ? std::get_if<StringSet>(value) : nullptr;
  return hashes ? hashes->size() : 0;
}

json child_form(const bridge::StoreHandle&, DeviceStore& store, AppRequest& request, std::string&) {
  request.finish();
  const ChildModeSession session(store, current_consultation(store));
  json questions = json::array();
  for (const Question& question : session.form().questions) {
    questions.push_back(bridge::question_json(question));
  }
  return {{"child_mode", true},
          {"consultation_id", session.consultation_id()},
          {"child_name", session.child_name()},
          {"form", bridge::template_json(session.form())},
          {"questions", std::move(questions)},
          {"answers", session.answers()},
          {"finished", session.finished()},
          {"drawings", attachment_count(store, session.consultation_id())}};
}

json child_answer(const bridge::StoreHandle&, DeviceStore& store, AppRequest& request,
                  std::string& changed) {
  const std::string question = request.text("question_id");
  const std::optional<std::string> answer = request.optional_text("answer");
  request.finish();
  ChildModeSession session(store, current_consultation(store));
  session.answer(question, answer.value_or(""));
  changed = session.consultation_id();
  return {{"saved", true}};
}

constexpr std::array<std::uint8_t, 8> kPngSignature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

json child_drawing(const bridge::StoreHandle&, DeviceStore& store, AppRequest& request,
                   std::string& changed) {
  const std::string encoded = request.text("png_base64");
  request.finish();
  const std::optional<std::vector<std::uint8_t>> png = base64_decode(encoded);
  if (!png) throw Error(ErrorCode::invalid_input, "child.drawing: png_base64 is not base64");
  if (png->size() < kPngSignature.size() ||
      !std::equal(kPngSignature.begin(), kPngSignature.end(), png->begin())) {
    throw Error(ErrorCode::invalid_input, "child.drawing: the picture is not a PNG");
  }
  ChildModeSession session(store, current_consultation(store));
  const std::string hash = session.attach(*png);
  changed = session.consultation_id();
  return {{"hash", hash}, {"drawings", attachment_count(store, changed)}};
}

json child_finish(const bridge::StoreHandle&, DeviceStore& store, AppRequest& request,
                  std::string& changed) {
  request.finish();
  ChildModeSession session(store, current_consultation(store));
  if (!session.finished()) session.finish();
  changed = session.consultation_id();
  return {{"finished", true}};
}

json child_leave(const bridge::StoreHandle& handle, DeviceStore& store, AppRequest& request,
                 std::string&) {
  const std::string passphrase = request.text("passphrase");
  request.finish();
  // Throws for a wrong passphrase, and waits after too many.
  EncryptionKey key = bridge::unlock_with_passphrase(handle.path, passphrase);
  key.fill(0);
  const std::string consultation = current_consultation(store);
  std::optional<Document> document = store.get(consultation);
  store.set_app_child_mode(std::nullopt);
  return {{"left", true},
          {"consultation_id", consultation},
          {"child_id", document ? json(document->child_id) : json()}};
}

}  // namespace

json forms_reply(const DeviceStore& store, std::string_view child_id, Date today) {
  const std::optional<Date> born = birth_date(store, child_id);
  // -1: the device does not know the child's age, and suggests no variant.
  const int age = born && *born <= today ? age_in_years_on(*born, today) : -1;
  json forms = json::array();
  for (const FormTemplate& form : bridge::latest_templates(store)) {
    json shown = bridge::template_json(form);
    shown["suggested"] = age >= 0 && form.age_variant == variant_for_age(age);
    forms.push_back(std::move(shown));
  }
  return {{"forms", std::move(forms)}, {"age", age >= 0 ? json(age) : json()}};
}

json start_child_mode(const bridge::StoreHandle& handle, DeviceStore& store, AppRequest& request,
                      std::string& changed) {
  const std::string child_id = request.text("child_id");
  const std::string template_id = request.text("template_id");
  ConsultationSetup setup;
  setup.helped_by = request.optional_text("helped_by").value_or("");
  setup.review_id = request.optional_text("review_id").value_or("");
  request.finish();
  if (!has_passphrase(handle)) {
    throw Error(ErrorCode::invalid_input,
                "set a passphrase first: it is what ends child mode (passphrase.set)");
  }
  birth_date(store, child_id);  // not_found for a child the device does not hold
  changed =
      start_consultation(store, child_id, bridge::template_for_host(store, template_id), setup);
  store.set_app_child_mode(changed);
  return {{"consultation_id", changed}};
}

const std::map<std::string, ChildOperation, std::less<>>& child_mode_operations() {
  static const std::map<std::string, ChildOperation, std::less<>> kOperations = {
      {"child.form", child_form},
      {"child.answer", child_answer},
      {"child.drawing", child_drawing},
      {"child.finish", child_finish},
      {"child.leave", child_leave},
      // What the screens ask before anything: here only that it is child mode.
      {"status",
       [](const bridge::StoreHandle&, DeviceStore&, AppRequest& request, std::string&) {
         request.finish();
         return json{{"child_mode", true}};
       }},
  };
  return kOperations;
}

}  // namespace iro::app
