// What a pull holds: an IRO's own children's records (found by the index of
// each field row's owner, schema step 5), the council's shared records, and
// nothing of another IRO's or another council's, also after a reallocation
// and in a store made before field rows had owners.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "server/server_fixture.hpp"
#include "service/caseload.hpp"
#include "store/schema_migration.hpp"
#include "store/server_schema.hpp"
#include "store/sqlite.hpp"
#include "store/sqlite_server_store.hpp"

using namespace iro;
using namespace iro::server;

namespace {

// The children whose records a pull from `cursor` carries, following `more`.
std::set<std::string> children_pulled(test::Council& council, const DeviceIdentity& device,
                                      std::uint64_t cursor = 0) {
  std::set<std::string> children;
  for (int page = 0; page < 100; ++page) {
    const Changes changes = council.pull(device, cursor);
    for (const ChangeEntry& entry : changes.entries) children.insert(entry.change.child_id);
    cursor = changes.next_cursor;
    if (!changes.more) return children;
  }
  FAIL("a pull did not end within 100 pages");
  return children;
}

using Children = std::set<std::string>;

void check_scopes(test::Council& council) {
  CHECK(children_pulled(council, council.ann_laptop) == Children{"C1", "C3"});
  CHECK(children_pulled(council, council.identity_of(council.bob, "bob-tablet")) == Children{"C2"});
  CHECK(children_pulled(council, council.meg_laptop) == Children{"C1", "C2", "C3"});
  CHECK(children_pulled(council, council.val_tablet) == Children{"V1"});
}

}  // namespace

TEST_CASE("each IRO pulls its own children's records, a manager the council's, nobody another's") {
  test::Council council;
  council.push(council.val_tablet, test::set_field(council.new_id(), Kind::visit, "V1", "note",
                                                   test::text("Seen in the vale"), council.at()));
  council.push(council.ann_laptop, test::set_field(council.new_id(), Kind::visit, "C3", "note",
                                                   test::text("Seen at nursery"), council.at()));
  check_scopes(council);
}

TEST_CASE("a child moved to another IRO moves to the new IRO's pulls and out of the old one's") {
  test::Council council;
  const DeviceIdentity bob_tablet = council.identity_of(council.bob, "bob-tablet");
  council.push(bob_tablet, test::set_field(council.new_id(), Kind::visit, "C2", "note",
                                           test::text("Seen at home"), council.at()));
  const std::uint64_t before_move = council.head_seq();
  council.write_with_clock(
      [&](StoreTxn& txn, TxnClock& clock) { allocate_child(txn, "C2", council.ann, clock); });

  // Ann's device, caught up before the move, receives C2's whole record set.
  const Changes after_move = council.pull(council.ann_laptop, before_move);
  std::set<std::string> fields;
  for (const ChangeEntry& entry : after_move.entries) {
    CHECK(entry.change.child_id == "C2");
    fields.insert(entry.change.field);
  }
  CHECK(fields.contains("note"));           // Bob's visit note
  CHECK(fields.contains("allocated_iro"));  // the child's record
  CHECK(children_pulled(council, council.ann_laptop) == Children{"C1", "C2", "C3"});
  CHECK(children_pulled(council, bob_tablet).empty());
  // An edit after the move goes to Ann's devices, not Bob's.
  const std::uint64_t head = council.head_seq();
  council.push(council.ann_tablet, test::set_field(council.new_id(), Kind::visit, "C2", "note",
                                                   test::text("Settling in"), council.at()));
  CHECK(children_pulled(council, council.ann_laptop, head) == Children{"C2"});
  CHECK(children_pulled(council, bob_tablet, head).empty());
}

TEST_CASE("a store made before field rows named their owner is upgraded and pulls by caseload") {
  test::Council council;
  council.push(council.ann_laptop, test::set_field(council.new_id(), Kind::visit, "C1", "note",
                                                   test::text("Seen at school"), council.at()));
  const auto file = council.database_file();
  council.store.reset();
  {
    // The file as schema version 4 left it: no owner column nor its index,
    // and the two indexes step 6 drops.
    sqlite::Database old(file);
    old.execute(
        "DROP INDEX field_by_owner; ALTER TABLE field_state DROP COLUMN owner; "
        "CREATE INDEX field_by_child ON field_state (tenant, child_id); "
        "CREATE INDEX history_by_doc ON history (doc_id); PRAGMA user_version = 4");
  }
  council.store = open_sqlite_server_store(file.parent_path(), {.durable = false});
  check_scopes(council);
  sqlite::Database upgraded(file);
  CHECK(sqlite::schema_version(upgraded) == kServerSchemaVersion);
  CHECK(upgraded.query_int("SELECT count(*) FROM field_state WHERE child_id <> '' AND owner IS "
                           "NOT (SELECT user_id FROM allocation a WHERE a.tenant = "
                           "field_state.tenant AND a.child_id = field_state.child_id)") == 0);
  CHECK(upgraded.query_int("SELECT count(*) FROM sqlite_master WHERE name IN "
                           "('field_by_child', 'history_by_doc')") == 0);
}
