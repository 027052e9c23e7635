// A device's store in a fresh temp dir on a clock the test moves by hand
// (encrypted when given a key), and what a server page would deliver to it:
// the tests play the server.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "iro/protocol.hpp"
#include "iro/store.hpp"
#include "support/manual_clock.hpp"
#include "support/temp_dir.hpp"

namespace iro::test {

struct DeviceFixture {
  explicit DeviceFixture(std::optional<EncryptionKey> store_key = std::nullopt) : key(store_key) {}

  TempDir dir;
  ManualClock clock;
  std::optional<EncryptionKey> key;  // the store's; nullopt: a plain store
  std::unique_ptr<DeviceStore> store = open();

  // Opens (or reopens) the store file on the test's clock. Not durable: the
  // tests that use it never pull the plug, and an fsync per edit only slows them.
  std::unique_ptr<DeviceStore> open() {
    StoreOptions options;
    options.clock = &clock;
    options.durable = false;
    options.encryption_key = key;
    return DeviceStore::open(dir / "device.db", options);
  }
};

// The device that wrote what the tests pull.
inline constexpr const char* kOtherDevice = "laptop-7";

// A field value another device wrote, as a server page delivers it: a visit's
// field (or conflict slot) at `server_seq`, stamped a little before the test's
// start so pulled values never look newer than local edits.
inline ChangeEntry from_other_device(const std::string& doc_id, const std::string& child_id,
                                     const std::string& field, Value value,
                                     std::uint64_t server_seq) {
  ChangeEntry entry;
  entry.server_seq = server_seq;
  entry.change.doc_id = doc_id;
  entry.change.kind = Kind::visit;
  entry.change.child_id = child_id;
  entry.change.field = field;
  entry.change.value = std::move(value);
  entry.change.hlc = Hlc::from_parts(1'714'550'000'000 + server_seq, 0);
  entry.change.device_id = kOtherDevice;
  entry.change.device_seq = server_seq;
  return entry;
}

// The text a document's field holds on the device; fails the test when the
// document or field is missing or not text.
inline std::string text_of(const DeviceStore& store, const std::string& doc_id, const char* field) {
  const auto document = store.get(doc_id);
  REQUIRE(document.has_value());
  const Value* value = document->field(field);
  REQUIRE(value != nullptr);
  REQUIRE(std::holds_alternative<std::string>(*value));
  return std::get<std::string>(*value);
}

}  // namespace iro::test
