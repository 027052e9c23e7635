// What a pull holds: an IRO's own children's records (found by the index of
// each field row's owner, schema step 5), the council's shared records, and
// nothing of another IRO's or another council's, also after a reallocation
// and in a store made before field rows had owners.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "server/server_fixture.hpp"
#include "service/caseload.hpp"

using namespace iro;
using namespace iro::server;

namespace {

using Children = std::set<std::string>;

void check_scopes(test::Council& council) {
  CHECK(council.children_pulled(council.ann_laptop) == Children{"C1", "C3"});
  CHECK(council.children_pulled(council.identity_of(council.bob, "bob-tablet")) == Children{"C2"});
  CHECK(council.children_pulled(council.meg_laptop) == Children{"C1", "C2", "C3"});
  CHECK(council.children_pulled(council.val_tablet) == Children{"V1"});
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
  CHECK(council.children_pulled(council.ann_laptop) == Children{"C1", "C2", "C3"});
  CHECK(council.children_pulled(bob_tablet).empty());
  // An edit after the move goes to Ann's devices, not Bob's.
  const std::uint64_t head = council.head_seq();
  council.push(council.ann_tablet, test::set_field(council.new_id(), Kind::visit, "C2", "note",
                                                   test::text("Settling in"), council.at()));
  CHECK(council.children_pulled(council.ann_laptop, head) == Children{"C2"});
  CHECK(council.children_pulled(bob_tablet, head).empty());
}
