// A consultation as the IRO reads it back, and an attachment's bytes for a
// screen to show (a child's drawing).
#include <array>

#include "app/app_screens.hpp"
#include "form_json.hpp"
#include "iro/base64.hpp"
#include "iro/blob.hpp"
#include "iro/child_mode.hpp"
#include "iro/error.hpp"

namespace iro::app {
namespace {

// What a screen may show the bytes as: pictures by their signature, and
// anything else only as bytes to download.
std::string media_type(const Bytes& bytes) {
  const auto starts = [&](std::initializer_list<std::uint8_t> prefix) {
    return bytes.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), bytes.begin());
  };
  if (starts({0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})) return "image/png";
  if (starts({0xff, 0xd8, 0xff})) return "image/jpeg";
  return "application/octet-stream";
}

}  // namespace

nlohmann::json consultation_reply(DeviceStore& store, std::string_view id) {
  const std::optional<Document> record = store.get(id);
  if (!record || record->deleted || record->kind != Kind::consultation) {
    throw Error(ErrorCode::not_found, "no consultation " + std::string(id.substr(0, 64)));
  }
  const ChildModeSession consultation(store, id);
  nlohmann::json questions = nlohmann::json::array();
  for (const Question& question : consultation.form().questions) {
    questions.push_back(bridge::question_json(question));
  }
  nlohmann::json attachments = nlohmann::json::array();
  if (const Value* held = record->field(kAttachmentsField)) {
    if (const auto* hashes = std::get_if<std::vector<std::string>>(held)) attachments = *hashes;
  }
  const Value* helped_by = record->field("helped_by");
  const auto* helper = helped_by ? std::get_if<std::string>(helped_by) : nullptr;
  return {{"id", record->id},
          {"child_id", record->child_id},
          {"child_name", consultation.child_name()},
          {"form", bridge::template_json(consultation.form())},
          {"questions", std::move(questions)},
          {"answers", consultation.answers()},
          {"finished", consultation.finished()},
          {"helped_by", helper ? nlohmann::json(*helper) : nlohmann::json()},
          {"attachments", std::move(attachments)}};
}

nlohmann::json attachment_reply(const DeviceStore& store, std::string_view hash) {
  const std::optional<Bytes> bytes = store.attachment(hash);
  if (!bytes) {
    throw Error(ErrorCode::not_found, "this device does not hold attachment " +
                                          std::string(hash.substr(0, 64)) +
                                          " (yet: sync to fetch it)");
  }
  return {{"hash", std::string(hash)},
          {"type", media_type(*bytes)},
          {"size", bytes->size()},
          {"base64", base64_encode(*bytes)}};
}

}  // namespace iro::app
