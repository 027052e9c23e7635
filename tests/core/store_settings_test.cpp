// The settings that decide where an encrypted store sends its device token
// (the server's address, the CA the device trusts for it, the user and
// council it enrolled as) are authenticated under the host's key: whoever can
// write the store file but does not hold the key cannot point the next sync
// at a listener of their own. A plain store has no key to do that with.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "iro/error.hpp"
#include "iro/store.hpp"
#include "iro/sync_session.hpp"
#include "store/sqlite.hpp"
#include "support/device_fixture.hpp"
#include "support/expect_error.hpp"
#include "support/test_bytes.hpp"

using namespace iro;
using namespace iro::test;

namespace {

constexpr const char* kSettingsServer = "wss://iro.council.example:8765";
constexpr const char* kSettingsCa =
    "-----BEGIN CERTIFICATE-----\nTHE-COUNCIL-CA\n-----END CERTIFICATE-----\n";
constexpr const char* kSettingsToken = "token-5f1d-kept-sealed";
constexpr const char* kListener = "ws://127.0.0.1:9";
constexpr const char* kChangedOutsideIro = "changed outside iro";

EncryptionKey settings_key() {
  EncryptionKey key;
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = std::uint8_t(0x40 + 3 * i);
  return key;
}

// An enrolled device (encrypted when given a key).
struct EnrolledDevice {
  explicit EnrolledDevice(std::optional<EncryptionKey> key) : device(key) {
    device.store->save_enrolment(
        kSettingsServer, Enrolled{device.store->device_id(), kSettingsToken, "iro-anna", "kent"},
        kSettingsCa);
  }
  std::filesystem::path path() const { return device.dir / "device.db"; }

  // Runs `sql` on the file behind the store's back, with the store closed.
  void tamper(const std::string& sql) {
    device.store.reset();
    {
      sqlite::Database raw(path());
      raw.execute(sql);
    }
    device.store = device.open();
  }

  DeviceFixture device;
};

// Nothing that would reach the network, or show the altered settings, works.
void check_settings_refused(DeviceStore& store) {
  const Error error = error_of([&] { store.sync_credentials(); });
  CHECK(error.code() == ErrorCode::corrupt_data);
  CHECK(std::string(error.what()).find(kChangedOutsideIro) != std::string::npos);
  CHECK(std::string(error.what()).find("re-enrol") != std::string::npos);
  DeviceSyncSession session(store, DeviceSyncSession::Mode::until_caught_up, system_clock());
  CHECK(std::string(error_of([&] { session.start("iro-test"); }).what()).find(kChangedOutsideIro) !=
        std::string::npos);
  CHECK(std::string(error_of([&] { store.status(); }).what()).find(kChangedOutsideIro) !=
        std::string::npos);
}

std::string raw_meta_type(const std::filesystem::path& path, const std::string& key) {
  sqlite::Database raw(path);
  return raw.query_text("SELECT typeof(value) FROM meta WHERE key = '" + key + "'");
}

}  // namespace

TEST_CASE("an encrypted store's server settings open again, and while its records are locked") {
  EnrolledDevice enrolled(settings_key());
  enrolled.device.store = enrolled.device.open();
  auto credentials = enrolled.device.store->sync_credentials();
  REQUIRE(credentials.has_value());
  CHECK(credentials->server == kSettingsServer);
  CHECK(credentials->server_ca_pem == kSettingsCa);
  CHECK(credentials->device_token == kSettingsToken);
  CHECK(enrolled.device.store->status().tenant == "kent");
  CHECK(enrolled.device.store->status().user_id == "iro-anna");
  CHECK(enrolled.device.store->status().server == kSettingsServer);

  // A lease that ran out locks the records, not the way to the server.
  enrolled.device.store->renew_lease(Bytes(32, 7), 1, enrolled.device.clock.now_ms());
  enrolled.device.clock.advance(2 * 24 * 60 * 60 * 1000ull);
  enrolled.device.store = enrolled.device.open();
  REQUIRE(enrolled.device.store->status().locked);
  credentials = enrolled.device.store->sync_credentials();
  REQUIRE(credentials.has_value());
  CHECK(credentials->server == kSettingsServer);
  CHECK(credentials->server_ca_pem == kSettingsCa);
}

TEST_CASE("an encrypted store keeps no server setting in clear") {
  EnrolledDevice enrolled(settings_key());
  enrolled.device.store.reset();
  const std::string file =
      bytes_of_file(enrolled.path()) + bytes_of_file(enrolled.path().string() + "-wal");
  for (const char* words : {kSettingsServer, "THE-COUNCIL-CA", "iro-anna"}) {
    CAPTURE(words);
    CHECK(file.find(words) == std::string::npos);
  }
}

TEST_CASE("an encrypted store whose server address was changed in the file gives no credentials") {
  EnrolledDevice enrolled(settings_key());
  enrolled.tamper(std::string("UPDATE meta SET value = '") + kListener + "' WHERE key = 'server'");
  check_settings_refused(*enrolled.device.store);
  // The records themselves are untouched and still open.
  CHECK(enrolled.device.store->query().empty());
}

TEST_CASE("every protected setting is checked: changed, deleted or moved to another name") {
  const char* changes[] = {
      "UPDATE meta SET value = 'ws://127.0.0.1:9' WHERE key = 'server'",
      "UPDATE meta SET value = 'an attacker''s CA' WHERE key = 'server_ca_pem'",
      // Without its CA the device would trust the system's roots instead.
      "DELETE FROM meta WHERE key = 'server_ca_pem'",
      "UPDATE meta SET value = 'iro-bob' WHERE key = 'user_id'",
      "UPDATE meta SET value = 'another-council' WHERE key = 'tenant'",
      "UPDATE meta SET value = (SELECT value FROM meta WHERE key = 'tenant') "
      "WHERE key = 'user_id'",
      "UPDATE meta SET value = (SELECT value FROM meta WHERE key = 'server_ca_pem') "
      "WHERE key = 'server'",
  };
  for (const char* sql : changes) {
    CAPTURE(sql);
    EnrolledDevice enrolled(settings_key());
    enrolled.tamper(sql);
    check_settings_refused(*enrolled.device.store);
  }
}

TEST_CASE("a plain store has no key to check its settings with: they are read as they are") {
  EnrolledDevice enrolled(std::nullopt);
  enrolled.tamper(std::string("UPDATE meta SET value = '") + kListener + "' WHERE key = 'server'");
  const auto credentials = enrolled.device.store->sync_credentials();
  REQUIRE(credentials.has_value());
  CHECK(credentials->server == kListener);
  CHECK(credentials->device_token == kSettingsToken);
  CHECK(raw_meta_type(enrolled.path(), "server") == "text");
}

TEST_CASE("an encrypted store from before its settings were sealed is upgraded at open") {
  TempDir dir;
  const auto path = dir / "format2.db";
  {
    std::ifstream fixture(std::string(IRO_TEST_FIXTURES) + "/device_store_format2.sql");
    REQUIRE(fixture.good());
    std::stringstream sql;
    sql << fixture.rdbuf();
    sqlite::Database database(path);
    database.execute(sql.str());
  }
  REQUIRE(raw_meta_type(path, "server") == "text");

  auto store = DeviceStore::open(path, {.encryption_key = settings_key(), .durable = false});
  const auto credentials = store->sync_credentials();
  REQUIRE(credentials.has_value());
  CHECK(credentials->server == kSettingsServer);
  CHECK(credentials->server_ca_pem == kSettingsCa);
  CHECK(credentials->device_token == kSettingsToken);
  CHECK(store->status().user_id == "iro-anna");
  CHECK(store->status().tenant == "sunderland");
  REQUIRE(store->query().size() == 1);
  store.reset();

  for (const char* key : {"server", "server_ca_pem", "user_id", "tenant"}) {
    CAPTURE(key);
    CHECK(raw_meta_type(path, key) == "blob");
  }
  {
    sqlite::Database raw(path);
    CHECK(raw.query_text("SELECT value FROM meta WHERE key = 'encryption'") ==
          "aes-256-gcm+hkdf-sha256/3");
    // The upgrade is checked like any store from then on.
    raw.execute("UPDATE meta SET value = 'ws://127.0.0.1:9' WHERE key = 'server'");
  }
  store = DeviceStore::open(path, {.encryption_key = settings_key(), .durable = false});
  check_settings_refused(*store);
}

TEST_CASE("a store set back to the old format, to have altered settings sealed, is refused") {
  EnrolledDevice enrolled(settings_key());
  enrolled.device.store.reset();
  {
    sqlite::Database raw(enrolled.path());
    raw.execute(
        "UPDATE meta SET value = 'aes-256-gcm+hkdf-sha256/2' WHERE key = 'encryption';"
        "UPDATE meta SET value = 'ws://127.0.0.1:9' WHERE key = 'server'");
  }
  const Error error = error_of([&] { enrolled.device.store = enrolled.device.open(); });
  CHECK(error.code() == ErrorCode::wrong_key);
  // Nothing was sealed: the altered address is still the clear text written.
  CHECK(raw_meta_type(enrolled.path(), "server") == "text");
}
