// The letter to the child on the server: only a manager approves it, it is
// issued only once approved, and once issued it does not change. Through
// apply_push (Council) and through whole sync sessions (LoopbackCouncil).
#include <doctest/doctest.h>

#include <string>

#include "iro/error.hpp"
#include "iro/store.hpp"
#include "server/loopback_sync.hpp"
#include "server/server_fixture.hpp"
#include "service/reconcile.hpp"

using namespace iro;
using namespace iro::server;
using namespace iro::test;

namespace {

constexpr const char* kOnlyManager = "only a manager can approve a letter";

const std::string* text_in(const Document& document, std::string_view field) {
  const Value* value = document.field(field);
  return value ? std::get_if<std::string>(value) : nullptr;
}

}  // namespace

TEST_CASE("a letter approved from an IRO's device is refused, from a manager's accepted") {
  Council council;
  const std::string letter = council.letter_at("submitted");

  const auto by_iro = council.push(council.ann_laptop,
                                   {council.set_letter(letter, "approved_by", council.ann.c_str()),
                                    council.set_letter(letter, "status", "approved")});
  for (const PushResult& result : by_iro) {
    CHECK(result.outcome == PushOutcome::refused);
    CHECK(result.reason == kOnlyManager);
  }
  CHECK(council.field(letter, "status")->value == text("submitted"));
  CHECK_FALSE(council.field(letter, "approved_by").has_value());
  const auto history = council.history(council.ann_laptop, by_iro[1].device_seq);
  REQUIRE(history.has_value());
  CHECK(history->reason == kOnlyManager);

  // Nor may the IRO issue it unapproved: the approver is missing.
  const PushResult issue_early =
      council.push(council.ann_laptop, council.set_letter(letter, "status", "issued"));
  CHECK(issue_early.outcome == PushOutcome::refused);
  CHECK(issue_early.reason.find("only once a manager approved it") != std::string::npos);

  // Meg, a manager, approves; then Ann issues it.
  council.approve_letter(letter);
  CHECK(council.field(letter, "status")->value == text("approved"));
  CHECK(council.field(letter, "approved_by")->value == Value{council.meg});
  const PushResult issued =
      council.push(council.ann_laptop, council.set_letter(letter, "status", "issued"));
  CHECK(issued.outcome == PushOutcome::accepted);

  // Once issued, even the manager cannot change the approver.
  const PushResult late = council.push(
      council.meg_laptop, council.set_letter(letter, "approved_by", council.meg.c_str()));
  CHECK(late.outcome == PushOutcome::refused);
  CHECK(late.reason.find("addendum") != std::string::npos);
}

TEST_CASE("over a sync: an IRO's approval is refused and kept, a manager's approval syncs back") {
  LoopbackCouncil rig;
  const std::string meg = rig.add_user("shire", "Meg Manager", Role::manager);
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  auto office = rig.enrolled_device("office", meg);
  REQUIRE(rig.sync(*tablet).state == SyncState::done);

  const std::string letter =
      tablet->create(Kind::letter, "C1", {{"body", std::string("Dear Sam, thank you.")}});
  tablet->edit(letter, {{"status", std::string("submitted")}});
  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  // Ann approves it herself on her tablet: the device allows it, the server does not.
  tablet->edit(letter,
               {{"approved_by", tablet->status().user_id}, {"status", std::string("approved")}});
  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  const auto rejected = tablet->rejected_changes();
  REQUIRE(rejected.size() == 2);
  for (const RejectedChange& refused : rejected) CHECK(refused.reason == kOnlyManager);
  CHECK(*text_in(*tablet->get(letter), "status") == "submitted");
  CHECK(text_in(*tablet->get(letter), "approved_by") == nullptr);

  // The manager's device approves it in her name.
  REQUIRE(rig.sync(*office).state == SyncState::done);
  REQUIRE(office->get(letter).has_value());
  office->edit(letter,
               {{"approved_by", office->status().user_id}, {"status", std::string("approved")}});
  REQUIRE(rig.sync(*office).state == SyncState::done);
  CHECK(office->rejected_changes().empty());

  // Ann hears of it and issues the letter; from then on her tablet refuses edits.
  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  CHECK(*text_in(*tablet->get(letter), "approved_by") == meg);
  tablet->edit(letter,
               {{"issued_on", Date::from_ymd(2026, 5, 20)}, {"status", std::string("issued")}});
  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  CHECK(tablet->rejected_changes().size() == 2);  // only the two refused before
  CHECK(tablet->get(letter)->locked());
  CHECK_THROWS_AS(tablet->edit(letter, {{"body", std::string("Dear Sam, also...")}}), Error);

  // The manager's copy, not yet told, edits it offline: the server refuses the late edit.
  office->edit(letter, {{"body", std::string("Dear Sam, thank you for coming.")}});
  REQUIRE(rig.sync(*office).state == SyncState::done);
  REQUIRE(office->rejected_changes().size() == 1);
  CHECK(office->rejected_changes()[0].reason.find("addendum") != std::string::npos);
  CHECK(*text_in(*office->get(letter), "body") == "Dear Sam, thank you.");
  CHECK(rig.server_export(*tablet) == device_export(*tablet));
}
