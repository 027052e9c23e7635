// What `iro app` holds between requests: the store, open while the app is
// unlocked, and the lock. A store with a passphrase (iro.h, "The
// passphrase") starts locked; `app.unlock` opens it with the passphrase,
// `app.lock` closes it, and so does five minutes without the IRO or the
// child touching the app. A store without one opens at launch (with
// --key-file's key, if given) and cannot lock until a passphrase is set.
//
// The operations here are the host's own, answered before iro_app_call
// (docs/app-api.md, "The host's operations"); while locked every other
// request is refused with {"error": {..., "locked": true}}.
#pragma once

#include <chrono>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

#include "iro/iro.h"
#include "iro/store.hpp"

namespace iro::cli {

struct AppApiReply {
  int http_status = 200;
  std::string json;
};

class AppSession {
 public:
  using Clock = std::chrono::steady_clock;

  // `key`: the store's key from --key-file, for a store without a
  // passphrase. `idle`: how long without a touch before the app locks.
  AppSession(std::filesystem::path store_path, std::optional<EncryptionKey> key,
             Clock::duration idle);
  ~AppSession();
  AppSession(const AppSession&) = delete;
  AppSession& operator=(const AppSession&) = delete;

  // Answers one POST /api body.
  AppApiReply call(const std::string& request_json);

 private:
  AppApiReply state_reply();
  AppApiReply unlock(const std::string& passphrase);
  AppApiReply lock();
  AppApiReply forward(const std::string& request_json);
  // Opens the store with `key` (or none); the reply when that fails.
  std::optional<AppApiReply> open(const std::optional<EncryptionKey>& key);
  void close();
  bool has_passphrase() const;

  std::mutex m_lock;  // the server answers on one thread; kept simple if that changes
  std::filesystem::path m_path;
  std::optional<EncryptionKey> m_key_file_key;
  Clock::duration m_idle;
  iro_store_t* m_store = nullptr;  // null while locked
  Clock::time_point m_last_touch;
};

// {"error": {"status", "message"}} as the app's screens read failures.
std::string app_error_json(iro_status_t status, std::string_view message, bool locked = false);

// The HTTP status `iro app` answers an iro_status_t with.
int http_status_for(iro_status_t status);

}  // namespace iro::cli
