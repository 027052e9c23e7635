#include "app/app_request.hpp"

#include "iro/error.hpp"

namespace iro::app {
namespace {

[[noreturn]] void refuse(const std::string& why) {
  throw Error(ErrorCode::invalid_input, why);
}

}  // namespace

AppRequest::AppRequest(std::string_view text) {
  m_request = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!m_request.is_object()) refuse("an app request is a JSON object");
  const auto op = m_request.find("op");
  if (op == m_request.end() || !op->is_string() || op->get<std::string>().empty()) {
    refuse("an app request names its operation in \"op\"");
  }
  m_op = op->get<std::string>();
}

const nlohmann::json* AppRequest::find(std::string_view name) {
  m_read.emplace(name);
  const auto found = m_request.find(std::string(name));
  return found == m_request.end() || found->is_null() ? nullptr : &*found;
}

std::string AppRequest::text(std::string_view name) {
  std::optional<std::string> value = optional_text(name);
  if (!value || value->empty()) refuse(m_op + ": \"" + std::string(name) + "\" is required");
  return *std::move(value);
}

std::optional<std::string> AppRequest::optional_text(std::string_view name) {
  const nlohmann::json* value = find(name);
  if (!value) return std::nullopt;
  if (!value->is_string()) refuse(m_op + ": \"" + std::string(name) + "\" must be a string");
  return value->get<std::string>();
}

const nlohmann::json& AppRequest::object(std::string_view name) {
  const nlohmann::json* value = optional_object(name);
  if (!value) refuse(m_op + ": \"" + std::string(name) + "\" must be an object");
  return *value;
}

const nlohmann::json* AppRequest::optional_object(std::string_view name) {
  const nlohmann::json* value = find(name);
  if (value && !value->is_object()) {
    refuse(m_op + ": \"" + std::string(name) + "\" must be an object");
  }
  return value;
}

void AppRequest::finish() const {
  for (const auto& [key, value] : m_request.items()) {
    if (!m_read.contains(key)) {
      refuse(m_op + ": unknown parameter \"" + key.substr(0, 40) + "\"");
    }
  }
}

}  // namespace iro::app
