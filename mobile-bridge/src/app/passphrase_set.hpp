// passphrase.set (docs/app-api.md): the IRO sets or changes the passphrase
// that wraps the store's key (iro/keyring.hpp), from the app. Needs the
// store open with its key; changing one needs the current passphrase.
#pragma once

#include <nlohmann/json.hpp>

#include "app/app_request.hpp"
#include "handles.hpp"

namespace iro::app {

nlohmann::json set_passphrase(const bridge::StoreHandle& handle, AppRequest& request);

// Whether the store at the handle's path has a keyring.
bool has_passphrase(const bridge::StoreHandle& handle);

}  // namespace iro::app
