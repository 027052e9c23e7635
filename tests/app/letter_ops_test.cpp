// The app's letters and conflicts through iro_app_call: a first draft from a
// review, edited as it is typed, read as the child will read it, submitted
// to a manager and then fixed; bad requests refused with their reason.
#include <doctest/doctest.h>

#include <string>

#include "app/app_client.hpp"
#include "app/demo_stores.hpp"
#include "iro/clock.hpp"
#include "iro/date.hpp"

using namespace iro;
using namespace iro::test;
using nlohmann::json;

namespace {

// A review held today with what was decided, through the C ABI.
std::string review_today(AppClient& app, const std::string& child) {
  char* id = nullptr;
  iro_error_t error;
  const std::string fields =
      json{{"date", local_date_of(system_clock().now_ms()).to_string()},
           {"recommendations", "You will stay with Jo and Sam, and see your nan every month."}}
          .dump();
  REQUIRE_MESSAGE(iro_document_create(app.store(), "review", child.c_str(), fields.c_str(), &id,
                                      &error) == IRO_OK,
                  error.message);
  const std::string review(id);
  iro_free(id);
  return review;
}

}  // namespace

TEST_CASE("a letter drafted from the review, edited, previewed and submitted, then fixed") {
  TempDir dir;
  AppClient app(seeded_store(dir, 2));
  const std::string review = review_today(app, "DEMO-0001");
  const std::string name = app.call({{"op", "child"}, {"child_id", "DEMO-0001"}})["name"];
  const std::string first_name = name.substr(0, name.find(' '));

  const std::string id = app.call({{"op", "letter.draft"},
                                   {"child_id", "DEMO-0001"},
                                   {"review_id", review},
                                   {"signed_by", "Alex"}})["id"];
  json letter = app.call({{"op", "letter"}, {"id", id}});
  CHECK(letter["letter"]["status"] == "draft");
  CHECK(letter["letter"]["review_id"] == review);
  CHECK(letter["letter"]["distribution_due"].is_string());
  const std::string body = letter["letter"]["body"];
  CHECK(body.starts_with("Dear " + first_name));
  CHECK(body.find("see your nan every month") != std::string::npos);
  CHECK(letter["page"]["title"] == "A letter for " + first_name);
  CHECK(letter["page"]["paragraphs"][0] == "Dear " + first_name + ",");
  CHECK(letter["page"]["note"] == "Draft: not approved. Not to be sent yet.");

  // The child's page lists it.
  bool listed = false;
  const json page = app.call({{"op", "child"}, {"child_id", "DEMO-0001"}});
  for (const json& record : page["records"]) listed = listed || record["id"] == id;
  CHECK(listed);

  app.call({{"op", "letter.save"}, {"id", id}, {"body", body + "\n\nPS: the rabbit is lovely."}});
  letter = app.call({{"op", "letter"}, {"id", id}});
  CHECK(letter["page"]["paragraphs"].back() == "PS: the rabbit is lovely.");

  CHECK(app.call({{"op", "letter.submit"}, {"id", id}})["status"] == "submitted");
  letter = app.call({{"op", "letter"}, {"id", id}});
  CHECK(letter["letter"]["status"] == "submitted");
  CHECK(letter["page"]["note"] == "Waiting for a manager to approve it. Not to be sent yet.");
  // Submitted: the words wait for the manager, unchanged.
  app.check_refused({{"op", "letter.save"}, {"id", id}, {"body", "changed"}}, IRO_ERR_INVALID_INPUT,
                    "is submitted");
  app.check_refused({{"op", "letter.submit"}, {"id", id}}, IRO_ERR_INVALID_INPUT, "is submitted");
  CHECK(app.call({{"op", "letter"}, {"id", id}})["letter"]["body"] ==
        body + "\n\nPS: the rabbit is lovely.");
}

TEST_CASE("bad letter and conflict requests are refused, and change nothing") {
  TempDir dir;
  AppClient app(seeded_store(dir, 2));
  const std::string review = review_today(app, "DEMO-0001");
  // Another child's review, a record that is not a review, no such letter.
  app.check_refused({{"op", "letter.draft"}, {"child_id", "DEMO-0002"}, {"review_id", review}},
                    IRO_ERR_NOT_FOUND, "no review");
  app.check_refused({{"op", "letter.draft"}, {"child_id", "DEMO-0001"}, {"review_id", "x"}},
                    IRO_ERR_NOT_FOUND, "no review");
  app.check_refused({{"op", "letter.draft"}, {"child_id", "DEMO-0001"}}, IRO_ERR_INVALID_INPUT,
                    "\"review_id\" is required");
  app.check_refused({{"op", "letter"}, {"id", review}}, IRO_ERR_INVALID_INPUT, "not a letter");
  app.check_refused({{"op", "letter"}, {"id", "nothing"}}, IRO_ERR_NOT_FOUND, "no letter");
  app.check_refused({{"op", "letter.save"}, {"id", review}, {"body", "x"}}, IRO_ERR_INVALID_INPUT,
                    "not a letter");

  const std::string visit = app.call(
      {{"op", "note.save"}, {"child_id", "DEMO-0002"}, {"fields", {{"note", "Jo's words"}}}})["id"];
  CHECK(app.call({{"op", "record"}, {"id", visit}})["conflicts"] == json::array());
  app.check_refused({{"op", "conflict.resolve"},
                     {"id", visit},
                     {"conflict_id", "note#1"},
                     {"resolution", "keep"}},
                    IRO_ERR_NOT_FOUND, "no conflict");
  app.check_refused({{"op", "conflict.resolve"},
                     {"id", visit},
                     {"conflict_id", "note#1"},
                     {"resolution", "both"}},
                    IRO_ERR_INVALID_INPUT, "keep, take or text");
  app.check_refused({{"op", "conflict.resolve"},
                     {"id", visit},
                     {"conflict_id", "note#1"},
                     {"resolution", "keep"},
                     {"text", "x"}},
                    IRO_ERR_INVALID_INPUT, "only with it");
  CHECK(app.call({{"op", "record"}, {"id", visit}})["record"]["fields"]["note"] == "Jo's words");
  CHECK(app.call({{"op", "child"}, {"child_id", "DEMO-0001"}})["records"].size() == 1);
}
