// A host's side of iro_app_call, for tests: a store opened through the C ABI
// and requests made as the app's screens make them.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "iro/iro.h"

namespace iro::test {

struct AppFailure {
  iro_status_t status = IRO_OK;
  std::string message;
};

class AppClient {
 public:
  // Opens `db` (encrypted with `key` when one is given).
  explicit AppClient(const std::filesystem::path& db,
                     const std::optional<std::array<std::uint8_t, 32>>& key = std::nullopt);
  ~AppClient();
  AppClient(const AppClient&) = delete;
  AppClient& operator=(const AppClient&) = delete;

  // The reply to a request that must succeed (the test fails otherwise).
  nlohmann::json call(const nlohmann::json& request);
  // The status and message of a request that must fail.
  AppFailure refusal(const std::string& request_text);

  // Checks that `request` is refused with `status` and a message containing `reason`.
  void check_refused(const nlohmann::json& request, iro_status_t status, const std::string& reason);

  iro_store_t* store() { return m_store; }

 private:
  iro_store_t* m_store = nullptr;
};

}  // namespace iro::test
