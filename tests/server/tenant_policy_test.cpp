// A council's timescale policy: set by an administrator, kept in the tenant
// row, and carried to every device in Welcome.
#include "service/tenant_policy.hpp"

#include <doctest/doctest.h>

#include <string>

#include "iro/error.hpp"
#include "iro/store.hpp"
#include "server/loopback_sync.hpp"
#include "server/test_store.hpp"

using namespace iro;
using namespace iro::server;

namespace {

std::string policy_of(ServerStore& store, const std::string& tenant) {
  std::string name;
  store.read([&](StoreTxn& txn) { name = tenant_timescale_policy_name(txn, tenant); });
  return name;
}

// The message of the Error setting `policy` throws, with its code.
std::pair<ErrorCode, std::string> refusal_of(ServerStore& store, const std::string& tenant,
                                             const std::string& policy) {
  try {
    store.write([&](StoreTxn& txn) { set_tenant_timescale_policy(txn, tenant, policy); });
  } catch (const Error& error) {
    return {error.code(), error.what()};
  }
  FAIL_CHECK("setting ", policy, " for ", tenant, " was not refused");
  return {ErrorCode::internal, ""};
}

}  // namespace

TEST_CASE("a council works to the statutory timescales until an administrator sets its own") {
  iro::test::ServerFixture council;
  council.add_tenant("shire");
  council.add_tenant("vale");
  CHECK(policy_of(*council.store, "shire") == "statutory");

  council.store->write(
      [](StoreTxn& txn) { set_tenant_timescale_policy(txn, "shire", "herefordshire"); });
  CHECK(policy_of(*council.store, "shire") == "herefordshire");
  CHECK(policy_of(*council.store, "vale") == "statutory");  // one council's setting only

  // Kept in the data directory: a restarted server still knows it.
  council.store.reset();
  council.store = iro::test::open_test_store(council.dir / "server");
  CHECK(policy_of(*council.store, "shire") == "herefordshire");
  CHECK(council.query_int("SELECT count(*) FROM tenant WHERE timescale_policy = 'herefordshire'") ==
        1);
}

TEST_CASE("an unknown policy or tenant is refused, naming the policies there are") {
  iro::test::ServerFixture council;
  council.add_tenant("shire");
  CHECK(refusal_of(*council.store, "shire", "durham") ==
        std::pair{ErrorCode::invalid_input,
                  std::string("unknown timescale policy \"durham\" (known: statutory, "
                              "herefordshire, leicestershire, sunderland)")});
  CHECK(refusal_of(*council.store, "wold", "sunderland") ==
        std::pair{ErrorCode::not_found, std::string("no tenant wold")});
  CHECK(policy_of(*council.store, "shire") == "statutory");  // nothing changed
  CHECK_THROWS_AS(policy_of(*council.store, "wold"), Error);
}

TEST_CASE("Welcome carries the council's policy to its devices, and a change at the next sync") {
  iro::test::LoopbackCouncil rig;
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  CHECK(tablet->status().timescale_policy.empty());  // enrolled, not yet synced

  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  CHECK(tablet->status().timescale_policy == "statutory");

  rig.store->write(
      [](StoreTxn& txn) { set_tenant_timescale_policy(txn, "shire", "leicestershire"); });
  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  CHECK(tablet->status().timescale_policy == "leicestershire");
}
