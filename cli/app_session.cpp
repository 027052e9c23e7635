#include "app_session.hpp"

#include <nlohmann/json.hpp>

#include "app_letter_pdf.hpp"
#include "iro/error.hpp"

namespace iro::cli {
namespace {

using nlohmann::json;

// Requests the screens make on their own, on a timer: they keep nobody's
// session alive. Everything else is someone using the app.
bool is_background(std::string_view op) {
  return op == "status" || op == "sync.now" || op == "app.state";
}

AppApiReply error_reply(iro_status_t status, std::string_view message, bool locked = false) {
  return {http_status_for(status), app_error_json(status, message, locked)};
}

}  // namespace

std::string app_error_json(iro_status_t status, std::string_view message, bool locked) {
  json error = {{"status", int(status)}, {"message", message}};
  if (locked) error["locked"] = true;
  return json{{"error", std::move(error)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

int http_status_for(iro_status_t status) {
  switch (status) {
    case IRO_ERR_INVALID_INPUT:
    case IRO_ERR_CORRUPT_DATA:
      return 400;
    case IRO_ERR_NOT_FOUND:
      return 404;
    case IRO_ERR_RECORD_LOCKED:
      return 409;
    case IRO_ERR_WRONG_KEY:
    case IRO_ERR_NOT_ALLOWED:
      return 403;
    case IRO_ERR_LEASE_EXPIRED:
      return 423;
    case IRO_ERR_STORAGE_BUSY:
      return 503;
    default:
      return 500;
  }
}

AppSession::AppSession(std::filesystem::path store_path, std::optional<EncryptionKey> key,
                       Clock::duration idle)
    : m_path(std::move(store_path)), m_key_file_key(std::move(key)), m_idle(idle) {
  if (!has_passphrase()) {
    if (auto failed = open(m_key_file_key)) {
      const json reply = json::parse(failed->json);
      throw Error(static_cast<ErrorCode>(reply["error"]["status"].get<int>()),
                  reply["error"]["message"].get<std::string>());
    }
  }
}

AppSession::~AppSession() {
  close();
}

bool AppSession::has_passphrase() const {
  return iro_keyring_exists(m_path.c_str()) == 1;
}

std::optional<AppApiReply> AppSession::open(const std::optional<EncryptionKey>& key) {
  iro_error_t error;
  const iro_status_t opened = iro_store_open(m_path.c_str(), key ? key->data() : nullptr,
                                             key ? key->size() : 0, &m_store, &error);
  if (opened != IRO_OK) return error_reply(opened, error.message);
  m_last_touch = Clock::now();
  return std::nullopt;
}

void AppSession::close() {
  iro_store_close(m_store);
  m_store = nullptr;
}

AppApiReply AppSession::call(const std::string& request_json) {
  std::lock_guard guard(m_lock);
  const json request = json::parse(request_json, nullptr, /*allow_exceptions=*/false);
  const std::string op = request.is_object() && request.contains("op") && request["op"].is_string()
                             ? request["op"].get<std::string>()
                             : std::string();
  // Five minutes untouched: locked before this request is answered.
  if (m_store != nullptr && has_passphrase() && Clock::now() - m_last_touch > m_idle) close();
  if (op == "app.state") return state_reply();
  if (op == "app.unlock") {
    const auto passphrase = request.find("passphrase");
    if (passphrase == request.end() || !passphrase->is_string() || request.size() != 2) {
      return error_reply(IRO_ERR_INVALID_INPUT, "app.unlock takes \"passphrase\" and nothing else");
    }
    return unlock(passphrase->get<std::string>());
  }
  if (op == "app.lock") return lock();
  if (m_store == nullptr) return error_reply(IRO_ERR_NOT_ALLOWED, "the app is locked", true);
  if (!is_background(op)) m_last_touch = Clock::now();
  if (op == "app.touch") return {200, "{}"};
  if (op == "letter.pdf") return letter_pdf_reply(m_store, request);
  return forward(request_json);
}

AppApiReply AppSession::state_reply() {
  // letter_pdf: this host makes PDFs itself (app_letter_pdf.hpp).
  return {200, json{{"locked", m_store == nullptr},
                    {"has_passphrase", has_passphrase()},
                    {"letter_pdf", true}}
                   .dump()};
}

AppApiReply AppSession::unlock(const std::string& passphrase) {
  if (m_store != nullptr) return state_reply();
  EncryptionKey key{};
  iro_error_t error;
  const iro_status_t unlocked =
      iro_keyring_unlock(m_path.c_str(), passphrase.c_str(), key.data(), key.size(), &error);
  if (unlocked != IRO_OK) return error_reply(unlocked, error.message, true);
  std::optional<AppApiReply> failed = open(key);
  key.fill(0);
  return failed ? *failed : state_reply();
}

AppApiReply AppSession::lock() {
  if (!has_passphrase()) {
    return error_reply(IRO_ERR_INVALID_INPUT,
                       "set a passphrase first: it is what unlocks the app again");
  }
  close();
  return state_reply();
}

AppApiReply AppSession::forward(const std::string& request_json) {
  char* reply_json = nullptr;
  iro_error_t error;
  const iro_status_t status = iro_app_call(m_store, request_json.c_str(), &reply_json, &error);
  if (status != IRO_OK) return error_reply(status, error.message);
  AppApiReply reply{200, reply_json};
  iro_free(reply_json);
  return reply;
}

}  // namespace iro::cli
