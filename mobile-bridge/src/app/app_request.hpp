// One request to the app's API (iro_app_call): a JSON object naming its
// operation ("op") and its parameters. Parameters are read by name; a
// request that carries a key the operation did not read is refused, so a
// typo in a screen's request is an error, not a silently ignored field.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace iro::app {

class AppRequest {
 public:
  // Throws Error(invalid_input) for text that is not a JSON object with a
  // string "op".
  explicit AppRequest(std::string_view text);

  const std::string& op() const { return m_op; }

  // A string parameter; Error(invalid_input) naming it when it is missing
  // or not a string (or empty, for a required one).
  std::string text(std::string_view name);
  std::optional<std::string> optional_text(std::string_view name);
  // An object parameter (Error(invalid_input) when missing or not an object).
  const nlohmann::json& object(std::string_view name);
  // The same, or null when it is absent.
  const nlohmann::json* optional_object(std::string_view name);

  // Refuses keys the operation did not read. Call once its parameters are read.
  void finish() const;

 private:
  const nlohmann::json* find(std::string_view name);

  nlohmann::json m_request;
  std::string m_op;
  std::set<std::string, std::less<>> m_read{"op"};
};

}  // namespace iro::app
