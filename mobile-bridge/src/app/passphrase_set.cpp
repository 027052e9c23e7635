#include "app/passphrase_set.hpp"

#include "iro/error.hpp"
#include "iro/keyring.hpp"
#include "passphrase_guard.hpp"

namespace iro::app {

bool has_passphrase(const bridge::StoreHandle& handle) {
  std::error_code ignored;
  return std::filesystem::exists(keyring_path_for(handle.path), ignored);
}

nlohmann::json set_passphrase(const bridge::StoreHandle& handle, AppRequest& request) {
  const std::string passphrase = request.text("passphrase");
  const std::optional<std::string> current = request.optional_text("current_passphrase");
  request.finish();
  if (!handle.options.encryption_key) {
    throw Error(ErrorCode::invalid_input,
                "this store is not encrypted: a passphrase would have no key to protect");
  }
  if (has_passphrase(handle)) {
    if (!current) {
      throw Error(ErrorCode::invalid_input,
                  "passphrase.set: give the current passphrase to change it");
    }
    EncryptionKey checked = bridge::unlock_with_passphrase(handle.path, *current);
    checked.fill(0);
  }
  create_keyring(keyring_path_for(handle.path), passphrase, *handle.options.encryption_key);
  return {{"has_passphrase", true}};
}

}  // namespace iro::app
