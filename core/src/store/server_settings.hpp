// The settings that decide where a device sends its token and what it trusts
// there: the server's address, the CA certificate it enrolled with, and the
// user and council it enrolled as. Whoever can write the store file could
// otherwise point the next sync at a listener of their own (ws://, or wss://
// with their own CA) and be handed the token, or have the device trust the
// system's roots instead of the council's CA.
//
// In an encrypted store each is sealed (AES-256-GCM) under the secrets key,
// the host-derived key that also seals the device token (store_key.hpp),
// with its meta key as associated data: a value edited, or moved from
// another setting, does not open, and the store refuses to give credentials
// (so no sync or enrolment reaches the network) with kSettingsChanged. The
// secrets key is at hand while the offline lease has locked the records, so
// a locked store still syncs. Encrypted stores made before this (format /2,
// settings in clear) are sealed once at open with the host key: store_key.hpp.
//
// A plain store has no key to authenticate anything with: its settings are
// text, read as they are, and whoever can write its file can change them.
// Encrypt a store that syncs.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "store/sqlite.hpp"
#include "store/value_codec.hpp"

namespace iro {

inline constexpr std::string_view kServerKey = "server";
inline constexpr std::string_view kServerCaKey = "server_ca_pem";
inline constexpr std::string_view kUserKey = "user_id";
inline constexpr std::string_view kTenantKey = "tenant";
inline constexpr std::array<std::string_view, 4> kServerSettingKeys = {kServerKey, kServerCaKey,
                                                                       kUserKey, kTenantKey};

// What Error(corrupt_data) says when a sealed setting does not open.
inline constexpr std::string_view kSettingsChanged =
    "the store's server settings have been changed outside iro (they fail their integrity "
    "check); re-enrol this device";

struct ServerSettings {
  std::string server;
  std::string server_ca_pem;  // empty: the system's roots (or a ws:// server)
  std::string user_id;
  std::string tenant;
};

// Writes one setting (one of kServerSettingKeys) through `secrets`, the
// store's secrets codec: sealed in an encrypted store, text in a plain one.
// The caller holds the transaction.
void save_server_setting(sqlite::Database& db, const ValueCodec& secrets, std::string_view key,
                         std::string_view value);

// The settings; empty strings for those not set (a device that has not
// enrolled). `enrolled` (the store holds a device token): in an encrypted
// store every setting must then be there, since one deleted is a downgrade
// too (no CA means the system's roots). Throws Error(corrupt_data,
// kSettingsChanged) when a setting fails that or does not open.
ServerSettings load_server_settings(sqlite::Database& db, const ValueCodec& secrets, bool enrolled);

// Seals the settings an encrypted store from before they were sealed keeps
// in clear (store_key.hpp's format upgrade). The caller holds the transaction.
void seal_server_settings_in_clear(sqlite::Database& db, const ValueCodec& secrets);

}  // namespace iro
