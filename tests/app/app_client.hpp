// A host's side of iro_app_call, for tests: a store opened through the C ABI
// and requests made as the app's screens make them.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

#include "iro/iro.h"

namespace iro::test {

struct AppFailure {
  iro_status_t status = IRO_OK;
  std::string message;
};

class AppClient {
 public:
  explicit AppClient(const std::filesystem::path& db);
  ~AppClient();
  AppClient(const AppClient&) = delete;
  AppClient& operator=(const AppClient&) = delete;

  // The reply to a request that must succeed (the test fails otherwise).
  nlohmann::json call(const nlohmann::json& request);
  // The status and message of a request that must fail.
  AppFailure refusal(const std::string& request_text);

  iro_store_t* store() { return m_store; }

 private:
  iro_store_t* m_store = nullptr;
};

}  // namespace iro::test
