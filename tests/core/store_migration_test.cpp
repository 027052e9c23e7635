#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "iro/error.hpp"
#include "iro/store.hpp"
#include "store/device_schema.hpp"
#include "store/sqlite.hpp"
#include "support/temp_dir.hpp"

using namespace iro;

namespace {

// Builds a store from the frozen first-release schema and data.
std::filesystem::path first_release_store(const test::TempDir& dir) {
  std::ifstream fixture(IRO_TEST_FIXTURES "/device_schema_v1.sql");
  REQUIRE(fixture.good());
  std::stringstream sql;
  sql << fixture.rdbuf();
  const auto path = dir / "v1.db";
  sqlite::Database database(path);
  database.execute(sql.str());
  return path;
}

}  // namespace

TEST_CASE("a first-release (v1) store upgrades in place and keeps everything") {
  test::TempDir dir;
  const auto path = first_release_store(dir);
  {
    sqlite::Database raw(path);
    REQUIRE(device_schema_version(raw) == 1);
  }

  auto store = DeviceStore::open(path);
  CHECK(store->schema_version() == kDeviceSchemaVersion);
  CHECK(store->device_id() == "018f3a10-0000-7000-8000-00000000d001");
  CHECK(store->status().tenant == "demo-county");

  const auto note = store->get("018f3a10-0000-7000-8000-0000000a0001");
  REQUIRE(note.has_value());
  CHECK(*note->field("note") ==
        Value{std::string("Met Ava at school; she wants Zoë at her review")});
  CHECK(*note->field("date") == Value{*Date::parse("2024-05-01")});

  auto outbox = store->outbox();
  REQUIRE(outbox.size() == 2);
  CHECK(outbox[0].device_seq == 7);
  CHECK(outbox[1].device_seq == 8);

  // The upgraded store works as a new one: edits coalesce into the pending
  // change, new changes continue the sequence, child facts are used.
  store->edit(note->id, {{"note", std::string("Met Ava at school; she wants Zoë there")}});
  store->edit(note->id, {{"place", std::string("School")}});
  outbox = store->outbox();
  REQUIRE(outbox.size() == 3);
  CHECK(outbox[1].device_seq == 8);
  CHECK(outbox[1].value == Value{std::string("Met Ava at school; she wants Zoë there")});
  CHECK(outbox[2].device_seq == 9);
  CHECK(outbox[2].hlc > Hlc{std::uint64_t(1714550400000) << 16 | 3});

  CHECK_THROWS_AS(store->create(Kind::review, "DEMO-0001",
                                {{"date", *Date::parse("2024-06-01")},
                                 {"participation_code", std::string("PN0")}}),
                  Error);  // she is 8: PN0 does not fit

  // The conflict table of schema 2 is there and empty.
  for (const Document& document : store->query({})) CHECK(document.conflicts.empty());
}

TEST_CASE("migrating step by step from version 1 gives the same schema as a new store") {
  test::TempDir dir;
  const auto upgraded = first_release_store(dir);
  DeviceStore::open(upgraded);
  DeviceStore::open(dir / "new.db");

  auto schema_of = [](const std::filesystem::path& path) {
    sqlite::Database raw(path);
    auto statement = raw.cached(
        "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name");
    std::string schema;
    while (statement.step()) {
      schema += statement.text(0) + " " + statement.text(1) + "\n";
    }
    return schema;
  };
  CHECK(schema_of(upgraded) == schema_of(dir / "new.db"));
  CHECK(schema_of(upgraded).find("table conflict") != std::string::npos);
}
