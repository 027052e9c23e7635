#include "store/server_settings.hpp"

#include "iro/error.hpp"
#include "store/document_rows.hpp"

namespace iro {
namespace {

[[noreturn]] void settings_changed() {
  throw Error(ErrorCode::corrupt_data, std::string(kSettingsChanged));
}

std::optional<std::string> read_setting(sqlite::Database& db, const ValueCodec& secrets,
                                        std::string_view key, bool required) {
  std::optional<std::string> value;
  try {
    value = rows::secret_meta(db, secrets, key);
  } catch (const Error& error) {
    if (error.code() != ErrorCode::corrupt_data) throw;
    settings_changed();
  }
  if (!value && required) settings_changed();
  return value;
}

}  // namespace

void save_server_setting(sqlite::Database& db, const ValueCodec& secrets, std::string_view key,
                         std::string_view value) {
  rows::set_secret_meta(db, secrets, key, value);
}

ServerSettings load_server_settings(sqlite::Database& db, const ValueCodec& secrets,
                                    bool enrolled) {
  const bool required = enrolled && secrets.encrypts();
  ServerSettings settings;
  settings.server = read_setting(db, secrets, kServerKey, required).value_or("");
  settings.server_ca_pem = read_setting(db, secrets, kServerCaKey, required).value_or("");
  settings.user_id = read_setting(db, secrets, kUserKey, required).value_or("");
  settings.tenant = read_setting(db, secrets, kTenantKey, required).value_or("");
  return settings;
}

void seal_server_settings_in_clear(sqlite::Database& db, const ValueCodec& secrets) {
  for (const std::string_view key : kServerSettingKeys) {
    if (const auto clear = rows::meta_text(db, key)) save_server_setting(db, secrets, key, *clear);
  }
}

}  // namespace iro
