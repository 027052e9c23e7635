// Consultation forms across devices and the server: every version a council
// publishes stays on the server, a tablet that missed a newer version still
// submits answers to the one it holds, and answers to questions the named
// version lacks are refused.
#include "admin/template_commands.hpp"

#include <doctest/doctest.h>

#include <string>

#include "iro/child_mode.hpp"
#include "iro/error.hpp"
#include "iro/store.hpp"
#include "iro/sync_session.hpp"
#include "server/loopback_sync.hpp"
#include "support/expect_error.hpp"

namespace iro::test {
namespace {

constexpr const char* kVersion1 = R"({
  "family": "review_13_plus", "name": "My review", "age_variant": "13_plus",
  "questions": [
    {"id": "who_comes", "type": "people", "prompt": "Who would you like at your meeting?"},
    {"id": "advocate", "type": "yes_no", "prompt": "Would you like an advocate?"},
    {"id": "not_talk_about", "type": "do_not_discuss", "prompt": "Anything you do NOT want talked about?"}
  ]})";

// Version 2 drops the advocate question and asks about school.
constexpr const char* kVersion2 = R"({
  "family": "review_13_plus", "name": "My review", "age_variant": "13_plus",
  "questions": [
    {"id": "who_comes", "type": "people", "prompt": "Who would you like at your meeting?"},
    {"id": "school", "type": "free_text", "prompt": "How is school?"},
    {"id": "not_talk_about", "type": "do_not_discuss", "prompt": "Anything you do NOT want talked about?"}
  ]})";

server::PublishedTemplate publish(LoopbackCouncil& rig, const char* spec) {
  server::PublishedTemplate published;
  rig.write_with_clock([&](server::StoreTxn& txn, server::TxnClock& clock) {
    published = server::publish_template(txn, "shire", spec, clock, rig.ids);
  });
  return published;
}

std::optional<Value> server_field(LoopbackCouncil& rig, const std::string& doc_id,
                                  const std::string& name) {
  std::optional<Value> value;
  rig.store->read([&](server::StoreTxn& txn) {
    if (auto row = txn.field("shire", doc_id, name)) value = row->value;
  });
  return value;
}

}  // namespace

TEST_CASE("publishing numbers a family's versions and checks the template") {
  LoopbackCouncil rig;
  const server::PublishedTemplate v1 = publish(rig, kVersion1);
  const server::PublishedTemplate v2 = publish(rig, kVersion2);
  CHECK(v1.version == 1);
  CHECK(v2.version == 2);
  CHECK(v1.id != v2.id);
  CHECK(std::get<std::string>(*server_field(rig, v2.id, "family")) == "review_13_plus");
  CHECK(std::get<std::int64_t>(*server_field(rig, v2.id, "version")) == 2);

  CHECK(error_code_of([&] {
          publish(rig, R"({"family": "x", "name": "n", "age_variant": "13_plus",
                           "questions": [{"id": "a", "type": "essay", "prompt": "p"}]})");
        }) == ErrorCode::invalid_input);
  CHECK(error_code_of([&] {
          rig.write_with_clock([&](server::StoreTxn& txn, server::TxnClock& clock) {
            server::publish_template(txn, "nowhere", kVersion1, clock, rig.ids);
          });
        }) == ErrorCode::not_found);
}

TEST_CASE("a tablet still on v1 after v2 was published submits v1 answers and they are accepted") {
  LoopbackCouncil rig;
  const server::PublishedTemplate v1 = publish(rig, kVersion1);
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  // Needs the server's pull scope to send tenant-wide templates (child_id "").
  REQUIRE(tablet->get(v1.id).has_value());

  const server::PublishedTemplate v2 = publish(rig, kVersion2);  // the tablet has not synced since
  const std::string id = start_consultation(*tablet, "C1", v1.id, {"advocate", ""});
  ChildModeSession session(*tablet, id);
  session.answer("advocate", "yes");
  session.answer("who_comes", "my foster carer");
  session.finish();

  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  CHECK(tablet->rejected_changes().empty());
  CHECK(tablet->outbox_size() == 0);
  CHECK(std::get<std::string>(*server_field(rig, id, "answer.advocate")) == "yes");
  CHECK(std::get<std::int64_t>(*server_field(rig, id, "template_version")) == 1);
  CHECK(std::get<std::string>(*server_field(rig, id, "status")) == "completed");
  // The sync brought v2 down; the consultation stays on v1.
  CHECK(tablet->get(v2.id).has_value());
}

TEST_CASE("the server refuses an answer to a question the template version does not have") {
  LoopbackCouncil rig;
  publish(rig, kVersion1);
  const server::PublishedTemplate v2 = publish(rig, kVersion2);
  // A device that does not hold v2 cannot check the answers itself.
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  const std::string id = tablet->create(
      Kind::consultation, "C1", {{"template_id", v2.id}, {"template_version", std::int64_t{2}}});
  tablet->edit(id, {{"answer.advocate", std::string("yes")},  // v1's question, not v2's
                    {"answer.school", std::string("good")}});

  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  CHECK_FALSE(server_field(rig, id, "answer.advocate").has_value());
  CHECK(std::get<std::string>(*server_field(rig, id, "answer.school")) == "good");
  const std::vector<RejectedChange> rejected = tablet->rejected_changes();
  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0].change.field == "answer.advocate");
  CHECK(rejected[0].reason ==
        "consultation.answer.advocate: template review_13_plus v2 has no question advocate");
}

TEST_CASE(
    "the server refuses a consultation naming a template version that is not the template's") {
  LoopbackCouncil rig;
  const server::PublishedTemplate v1 = publish(rig, kVersion1);
  auto tablet = rig.enrolled_device("tablet", rig.ann);
  // Created before the tablet pulled v1, so it could not check the version.
  const std::string id = tablet->create(
      Kind::consultation, "C1", {{"template_id", v1.id}, {"template_version", std::int64_t{3}}});
  REQUIRE(rig.sync(*tablet).state == SyncState::done);
  CHECK_FALSE(server_field(rig, id, "template_version").has_value());
  CHECK(tablet->rejected_changes().size() == 1);
}

}  // namespace iro::test
