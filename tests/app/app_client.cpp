#include "app/app_client.hpp"

#include <doctest/doctest.h>

namespace iro::test {

AppClient::AppClient(const std::filesystem::path& db,
                     const std::optional<std::array<std::uint8_t, 32>>& key) {
  iro_error_t error;
  REQUIRE_MESSAGE(iro_store_open(db.c_str(), key ? key->data() : nullptr, key ? key->size() : 0,
                                 &m_store, &error) == IRO_OK,
                  error.message);
}

AppClient::~AppClient() {
  iro_store_close(m_store);
}

nlohmann::json AppClient::call(const nlohmann::json& request) {
  char* reply = nullptr;
  iro_error_t error;
  const iro_status_t status = iro_app_call(m_store, request.dump().c_str(), &reply, &error);
  REQUIRE_MESSAGE(status == IRO_OK, request.dump() << ": " << error.message);
  nlohmann::json parsed = nlohmann::json::parse(reply);
  iro_free(reply);
  return parsed;
}

AppFailure AppClient::refusal(const std::string& request_text) {
  char* reply = nullptr;
  iro_error_t error;
  const iro_status_t status = iro_app_call(m_store, request_text.c_str(), &reply, &error);
  CHECK_MESSAGE(status != IRO_OK, request_text);
  CHECK(reply == nullptr);
  iro_free(reply);
  return {status, status == IRO_OK ? "" : error.message};
}

void AppClient::check_refused(const nlohmann::json& request, iro_status_t status,
                              const std::string& reason) {
  const AppFailure failure = refusal(request.dump());
  CAPTURE(request.dump());
  CHECK(failure.status == status);
  CHECK_MESSAGE(failure.message.find(reason) != std::string::npos, failure.message);
}

}  // namespace iro::test
