// The app's one request function (iro_app_call) through the C ABI, as the
// app's screens call it: the caseload, a child's page, a visit note saved as
// it is typed, and every kind of bad request refused with its reason.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "app/app_client.hpp"
#include "app/demo_stores.hpp"
#include "iro/clock.hpp"
#include "iro/date.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using namespace iro;
using namespace iro::test;
using nlohmann::json;

namespace {

std::string days_ago(int days) {
  return local_date_of(system_clock().now_ms() - std::uint64_t(days) * 86'400'000).to_string();
}

// A review held `days` ago, added through the C ABI as another screen would.
void review_held(AppClient& app, const std::string& child, int days) {
  char* id = nullptr;
  iro_error_t error;
  const std::string fields = json{{"date", days_ago(days)}}.dump();
  REQUIRE_MESSAGE(iro_document_create(app.store(), "review", child.c_str(), fields.c_str(), &id,
                                      &error) == IRO_OK,
                  error.message);
  iro_free(id);
}

}  // namespace

TEST_CASE("the caseload lists every child, overdue first, with the next review and visit due") {
  TempDir dir;
  AppClient app(seeded_store(dir, 6));
  // Two children had a review ten days ago: nothing is overdue for them.
  review_held(app, "DEMO-0002", 10);
  review_held(app, "DEMO-0005", 10);

  const json caseload = app.call({{"op", "caseload"}});
  CHECK(caseload["as_of"] == local_date_of(system_clock().now_ms()).to_string());
  const json& children = caseload["children"];
  REQUIRE(children.size() == 6);
  std::set<std::string> seen;
  bool past_overdue = false;
  for (const json& child : children) {
    seen.insert(child["child_id"]);
    CHECK_FALSE(child["name"].get<std::string>().empty());
    CHECK(child.contains("age"));
    const json& next = child["next_review"];
    REQUIRE(next.is_object());
    CHECK(Date::parse(next["due"].get<std::string>()).has_value());
    CHECK(next["pre_review_visit_by"].is_string());
    const bool overdue = next["overdue"].get<bool>();
    // Every overdue child comes before every child who is not.
    if (!overdue) past_overdue = true;
    CHECK_FALSE((overdue && past_overdue));
  }
  CHECK(seen.size() == 6);
  CHECK(children[4]["next_review"]["overdue"] == false);
  CHECK(children[5]["next_review"]["overdue"] == false);
  CHECK(std::set<std::string>{children[4]["child_id"], children[5]["child_id"]} ==
        std::set<std::string>{"DEMO-0002", "DEMO-0005"});
}

TEST_CASE("a note saved as it is typed is on the child's page, and waits to be synced") {
  TempDir dir;
  AppClient app(seeded_store(dir, 3));
  const json status = app.call({{"op", "status"}});
  const std::size_t pending = status["pending_changes"];
  CHECK(status["enrolled"] == false);
  CHECK(status["sync"]["running"] == false);
  CHECK(status["sync"]["result"].is_null());
  CHECK(app.call({{"op", "refused"}})["changes"].empty());

  // The first keystrokes make the visit; the next ones edit it.
  const json made = app.call({{"op", "note.save"},
                              {"child_id", "DEMO-0001"},
                              {"fields", {{"note", "Sam showed me"}, {"date", days_ago(0)}}}});
  const std::string id = made["id"];
  app.call({{"op", "note.save"},
            {"id", id},
            {"child_id", "DEMO-0001"},
            {"fields", {{"note", "Sam showed me his garden and the new rabbit"}}}});

  const json record = app.call({{"op", "record"}, {"id", id}})["record"];
  CHECK(record["kind"] == "visit");
  CHECK(record["fields"]["note"] == "Sam showed me his garden and the new rabbit");
  const json page = app.call({{"op", "child"}, {"child_id", "DEMO-0001"}});
  CHECK_FALSE(page["name"].get<std::string>().empty());
  CHECK(page["child"]["kind"] == "child");
  CHECK(page["timescales"]["next_review"].is_object());
  REQUIRE(page["records"].size() == 1);
  CHECK(page["records"][0]["id"] == id);
  CHECK(page["records"][0]["excerpt"] == "Sam showed me his garden and the new rabbit");
  CHECK(page["records"][0]["date"] == days_ago(0));
  // One visit, two fields: the edits of the note coalesce into one change.
  CHECK(app.call({{"op", "status"}})["pending_changes"] == pending + 2);
}

TEST_CASE("bad app requests are refused with their reason, and change nothing") {
  TempDir dir;
  AppClient app(seeded_store(dir, 2));
  const std::string before = app.call({{"op", "child"}, {"child_id", "DEMO-0001"}}).dump();
  const auto refused = [&](const std::string& request, iro_status_t status,
                           const std::string& reason) {
    const AppFailure failure = app.refusal(request);
    CAPTURE(request);
    CHECK(failure.status == status);
    CHECK_MESSAGE(failure.message.find(reason) != std::string::npos, failure.message);
  };
  refused("not json", IRO_ERR_INVALID_INPUT, "a JSON object");
  refused(R"({"child_id": "DEMO-0001"})", IRO_ERR_INVALID_INPUT, "\"op\"");
  refused(R"({"op": "wipe-everything"})", IRO_ERR_INVALID_INPUT, "not an app operation");
  refused(R"({"op": "caseload", "page": 2})", IRO_ERR_INVALID_INPUT, "unknown parameter \"page\"");
  refused(R"({"op": "child"})", IRO_ERR_INVALID_INPUT, "\"child_id\" is required");
  refused(R"({"op": "child", "child_id": 7})", IRO_ERR_INVALID_INPUT, "must be a string");
  refused(R"({"op": "child", "child_id": "DEMO-0099"})", IRO_ERR_NOT_FOUND, "no child DEMO-0099");
  refused(R"({"op": "record", "id": "nothing"})", IRO_ERR_NOT_FOUND, "no record");
  refused(R"({"op": "sync.now"})", IRO_ERR_INVALID_INPUT, "has not enrolled");
  refused(R"({"op": "sync.now", "server": "ws://127.0.0.1:1"})", IRO_ERR_INVALID_INPUT,
          "unknown parameter");
  refused(R"({"op": "note.save", "child_id": "DEMO-0001", "fields": {"mood": "happy"}})",
          IRO_ERR_INVALID_INPUT, "mood");
  refused(R"({"op": "note.save", "child_id": "DEMO-0001", "fields": {"date": "2024-02-30"}})",
          IRO_ERR_INVALID_INPUT, "date");
  refused(R"({"op": "note.save", "child_id": "DEMO-0001", "fields": "Sam"})", IRO_ERR_INVALID_INPUT,
          "\"fields\" must be an object");
  // Another child's visit cannot be edited by naming a different child.
  const std::string id = app.call(
      {{"op", "note.save"}, {"child_id", "DEMO-0002"}, {"fields", {{"note", "Jo's words"}}}})["id"];
  refused(json{{"op", "note.save"},
               {"id", id},
               {"child_id", "DEMO-0001"},
               {"fields", {{"note", "overwritten"}}}}
              .dump(),
          IRO_ERR_NOT_FOUND, "no visit");
  CHECK(app.call({{"op", "record"}, {"id", id}})["record"]["fields"]["note"] == "Jo's words");
  CHECK(app.call({{"op", "child"}, {"child_id", "DEMO-0001"}}).dump() == before);
}

TEST_CASE("a note screen left open while a sync changed the note loses neither device's words") {
  TempDir dir;
  AppClient app(seeded_store(dir, 1));
  const std::string opened = "Sam showed me his garden. He wants to see his nan.";
  const std::string id = app.call(
      {{"op", "note.save"}, {"child_id", "DEMO-0001"}, {"fields", {{"note", opened}}}})["id"];
  // Another device's edit arrives (as a pull would write it) while the
  // screen still shows `opened`.
  const auto other_device_writes = [&](const std::string& words) {
    iro_error_t error;
    REQUIRE(iro_document_edit(app.store(), id.c_str(), json{{"note", words}}.dump().c_str(),
                              &error) == IRO_OK);
  };
  other_device_writes("Sam showed me his garden. He wants to see his nan more often.");

  // Typed in another place: both edits are kept, and the screen is told.
  const json merged = app.call({{"op", "note.save"},
                                {"id", id},
                                {"child_id", "DEMO-0001"},
                                {"base", {{"note", opened}}},
                                {"fields",
                                 {{"note",
                                   "Sam showed me his new garden. He wants to "
                                   "see his nan."}}}});
  const std::string both = "Sam showed me his new garden. He wants to see his nan more often.";
  CHECK(merged["merged"]["note"] == both);
  CHECK(app.call({{"op", "record"}, {"id", id}})["record"]["fields"]["note"] == both);

  // Typed in the same place: not saved; the record's words come back for
  // the IRO to choose, and the record keeps them.
  other_device_writes("Sam showed me his new garden. He wants to see his grandad.");
  const json overlapping =
      app.call({{"op", "note.save"},
                {"id", id},
                {"child_id", "DEMO-0001"},
                {"base", {{"note", both}}},
                {"fields", {{"note", "Sam showed me his new garden. He wants to see his aunt."}}}});
  CHECK(overlapping["changed_elsewhere"]["note"] ==
        "Sam showed me his new garden. He wants to see his grandad.");
  CHECK_FALSE(overlapping.contains("merged"));
  CHECK(app.call({{"op", "record"}, {"id", id}})["record"]["fields"]["note"] ==
        "Sam showed me his new garden. He wants to see his grandad.");
  // Choosing their own words: saved from what the record now holds.
  app.call({{"op", "note.save"},
            {"id", id},
            {"child_id", "DEMO-0001"},
            {"base", {{"note", "Sam showed me his new garden. He wants to see his grandad."}}},
            {"fields", {{"note", "Sam showed me his new garden. He wants to see his aunt."}}}});
  CHECK(app.call({{"op", "record"}, {"id", id}})["record"]["fields"]["note"] ==
        "Sam showed me his new garden. He wants to see his aunt.");
  app.check_refused({{"op", "note.save"},
                     {"id", id},
                     {"child_id", "DEMO-0001"},
                     {"base", "stale"},
                     {"fields", {{"note", "x"}}}},
                    IRO_ERR_INVALID_INPUT, "\"base\" must be an object");
}
