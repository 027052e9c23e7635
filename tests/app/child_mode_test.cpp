// The app's child mode through iro_app_call, as the screens call it: the IRO
// sets a passphrase and hands the tablet over for one form; the child's form
// is all the API answers until the passphrase ends it, through a restart of
// the app too; wrong passphrases wait after five in a row.
#include <doctest/doctest.h>

#include <string>

#include "app/app_client.hpp"
#include "app/demo_stores.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using namespace iro::test;
using nlohmann::json;

namespace {

using Key = StoreKey;
const Key& kKey = kTabletKey;
constexpr const char* kPassphrase = kTabletPassphrase;

// A 1x1 PNG, as a drawing pad's canvas gives one.
constexpr const char* kPng =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+"
    "M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

// The one child of the caseload aged under 8, if any.
std::string young_child(AppClient& app) {
  const json caseload = app.call({{"op", "caseload"}});
  for (const json& child : caseload["children"]) {
    if (child["age"].is_number() && child["age"].get<int>() < 8) return child["child_id"];
  }
  return {};
}

}  // namespace

TEST_CASE("child mode: only the child's form answers until the IRO's passphrase ends it") {
  TempDir dir;
  const auto db = encrypted_store(dir, 20);
  std::string consultation;
  std::string child;
  {
    AppClient app(db, kKey);
    child = young_child(app);
    REQUIRE_FALSE(child.empty());

    // The forms on offer, the one for the child's age first suggested.
    const json forms = app.call({{"op", "forms"}, {"child_id", child}});
    CHECK(forms["age"].get<int>() < 8);
    REQUIRE(forms["forms"].size() == 3);
    for (const json& form : forms["forms"]) {
      CHECK(form["suggested"] == (form["age_variant"] == "under_8"));
    }

    // No passphrase yet: no child mode, for there would be no way out.
    CHECK(app.call({{"op", "status"}})["has_passphrase"] == false);
    const json start = {{"op", "child_mode.start"},
                        {"child_id", child},
                        {"template_id", "review_under_8"},
                        {"helped_by", "carer"}};
    app.check_refused(start, IRO_ERR_INVALID_INPUT, "set a passphrase first");
    app.check_refused({{"op", "passphrase.set"}, {"passphrase", "short"}}, IRO_ERR_INVALID_INPUT,
                      "at least 8 characters");
    app.call({{"op", "passphrase.set"}, {"passphrase", kPassphrase}});
    CHECK(app.call({{"op", "status"}})["has_passphrase"] == true);
    // Changing it needs the one it replaces.
    app.check_refused({{"op", "passphrase.set"}, {"passphrase", "another one entirely"}},
                      IRO_ERR_INVALID_INPUT, "current passphrase");
    app.check_refused({{"op", "passphrase.set"},
                       {"passphrase", "another one entirely"},
                       {"current_passphrase", "not the one"}},
                      IRO_ERR_WRONG_KEY, "not the passphrase");
    app.check_refused({{"op", "child.answer"}, {"question_id", "worries"}, {"answer", "x"}},
                      IRO_ERR_INVALID_INPUT, "not on");

    consultation = app.call(start)["consultation_id"];
    CHECK(app.call({{"op", "status"}}) == json{{"child_mode", true}});

    // Nothing of the caseload, whatever the request asks.
    for (const json& request :
         {json{{"op", "caseload"}}, json{{"op", "child"}, {"child_id", child}},
          json{{"op", "record"}, {"id", consultation}}, json{{"op", "refused"}},
          json{{"op", "forms"}, {"child_id", child}}, json{{"op", "sync.now"}},
          json{{"op", "consultation"}, {"id", consultation}},
          json{{"op", "attachment"}, {"hash", std::string(64, '0')}},
          json{{"op", "note.save"}, {"child_id", child}, {"fields", {{"note", "x"}}}},
          json{{"op", "passphrase.set"}, {"passphrase", "a new passphrase"}},
          json{{"op", "child_mode.start"},
               {"child_id", child},
               {"template_id", "review_13_plus"}}}) {
      app.check_refused(request, IRO_ERR_NOT_ALLOWED, "child mode");
    }

    const json form = app.call({{"op", "child.form"}});
    CHECK(form["consultation_id"] == consultation);
    CHECK_FALSE(form["child_name"].get<std::string>().empty());
    CHECK(form["form"]["age_variant"] == "under_8");
    CHECK(form["questions"][0]["picture"] == "faces_sad_to_happy");
    CHECK(form["answers"].empty());
    CHECK(form["finished"] == false);

    app.call({{"op", "child.answer"}, {"question_id", "feel_at_home"}, {"answer", "9"}});
    app.call({{"op", "child.answer"}, {"question_id", "family_time"}, {"answer", "happy"}});
    app.call({{"op", "child.answer"}, {"question_id", "not_talk_about"}, {"answer", "Dad"}});
    app.check_refused({{"op", "child.answer"}, {"question_id", "feel_at_home"}, {"answer", "11"}},
                      IRO_ERR_INVALID_INPUT, "feel_at_home");
    app.check_refused({{"op", "child.answer"}, {"question_id", "bank_details"}, {"answer", "1"}},
                      IRO_ERR_INVALID_INPUT, "bank_details");
    app.check_refused({{"op", "child.drawing"}, {"png_base64", "not base64!"}},
                      IRO_ERR_INVALID_INPUT, "not base64");
    app.check_refused({{"op", "child.drawing"}, {"png_base64", "R0lGODlhAQABAAAAACw="}},
                      IRO_ERR_INVALID_INPUT, "not a PNG");
    const json drawn = app.call({{"op", "child.drawing"}, {"png_base64", kPng}});
    CHECK(drawn["drawings"] == 1);
    CHECK(drawn["hash"].get<std::string>().size() == 64);
  }
  // A restart of the app is still in child mode, with the answers kept.
  AppClient app(db, kKey);
  CHECK(app.call({{"op", "status"}}) == json{{"child_mode", true}});
  const json form = app.call({{"op", "child.form"}});
  CHECK(form["answers"] ==
        json{{"feel_at_home", "9"}, {"family_time", "happy"}, {"not_talk_about", "Dad"}});
  CHECK(form["drawings"] == 1);
  app.call({{"op", "child.finish"}});
  CHECK(app.call({{"op", "child.form"}})["finished"] == true);
  app.check_refused({{"op", "child.answer"}, {"question_id", "worries"}, {"answer", "more"}},
                    IRO_ERR_INVALID_INPUT, "");

  app.check_refused({{"op", "child.leave"}, {"passphrase", "let me out"}}, IRO_ERR_WRONG_KEY,
                    "not the passphrase");
  app.check_refused({{"op", "caseload"}}, IRO_ERR_NOT_ALLOWED, "child mode");
  const json left = app.call({{"op", "child.leave"}, {"passphrase", kPassphrase}});
  CHECK(left["child_id"] == child);
  CHECK(left["consultation_id"] == consultation);

  // Back with the IRO: the consultation is on the child's page, answered.
  CHECK(app.call({{"op", "status"}})["child_mode"] == false);
  const json record = app.call({{"op", "record"}, {"id", consultation}})["record"];
  CHECK(record["fields"]["answer.feel_at_home"] == "9");
  CHECK(record["fields"]["status"] == "completed");
  CHECK(record["fields"]["helped_by"] == "carer");
  CHECK(record["fields"]["attachments"].size() == 1);

  // Read back by the IRO: the questions with the answers, and the drawing's bytes.
  const json read_back = app.call({{"op", "consultation"}, {"id", consultation}});
  CHECK(read_back["child_id"] == child);
  CHECK(read_back["finished"] == true);
  CHECK(read_back["helped_by"] == "carer");
  CHECK(read_back["form"]["age_variant"] == "under_8");
  CHECK(read_back["questions"][0]["id"] == "feel_at_home");
  CHECK(read_back["answers"]["not_talk_about"] == "Dad");
  REQUIRE(read_back["attachments"].size() == 1);
  const json drawing = app.call({{"op", "attachment"}, {"hash", read_back["attachments"][0]}});
  CHECK(drawing["type"] == "image/png");
  CHECK(drawing["base64"] == kPng);
  app.check_refused({{"op", "attachment"}, {"hash", std::string(64, '0')}}, IRO_ERR_NOT_FOUND,
                    "does not hold attachment");
  app.check_refused({{"op", "consultation"}, {"id", child}}, IRO_ERR_NOT_FOUND, "no consultation");
}

TEST_CASE("after five wrong passphrases in a row, the next guess waits, unlock and leave alike") {
  TempDir dir;
  const auto db = encrypted_store(dir, 2);
  AppClient app(db, kKey);
  app.call({{"op", "passphrase.set"}, {"passphrase", kPassphrase}});
  CHECK(iro_keyring_exists(db.c_str()) == 1);
  app.call(
      {{"op", "child_mode.start"}, {"child_id", "DEMO-0001"}, {"template_id", "review_13_plus"}});

  Key key{};
  iro_error_t error;
  CHECK(iro_keyring_unlock(db.c_str(), kPassphrase, key.data(), key.size(), &error) == IRO_OK);
  CHECK(key == kKey);
  for (int guess = 0; guess < 3; ++guess) {
    CHECK(iro_keyring_unlock(db.c_str(), "guess one two", key.data(), key.size(), &error) ==
          IRO_ERR_WRONG_KEY);
  }
  for (int guess = 0; guess < 2; ++guess) {
    app.check_refused({{"op", "child.leave"}, {"passphrase", "guess three four"}},
                      IRO_ERR_WRONG_KEY, "not the passphrase");
  }
  // The sixth waits, even with the right passphrase, through either door.
  app.check_refused({{"op", "child.leave"}, {"passphrase", kPassphrase}}, IRO_ERR_NOT_ALLOWED,
                    "try again in");
  CHECK(iro_keyring_unlock(db.c_str(), kPassphrase, key.data(), key.size(), &error) ==
        IRO_ERR_NOT_ALLOWED);
  CHECK(std::string(error.message).find("5 wrong passphrases") != std::string::npos);
  CHECK(app.call({{"op", "status"}}) == json{{"child_mode", true}});
}

TEST_CASE("the keyring through the C ABI: none, short passphrases and bad keys refused") {
  TempDir dir;
  const std::string db = (dir.path() / "tablet.db").string();
  Key key{};
  iro_error_t error;
  CHECK(iro_keyring_exists(db.c_str()) == 0);
  CHECK(iro_keyring_exists(nullptr) == 0);
  CHECK(iro_keyring_unlock(db.c_str(), kPassphrase, key.data(), key.size(), &error) ==
        IRO_ERR_NOT_FOUND);
  CHECK(iro_keyring_create(db.c_str(), "seven!!", kKey.data(), kKey.size(), &error) ==
        IRO_ERR_INVALID_INPUT);
  CHECK(iro_keyring_create(db.c_str(), kPassphrase, kKey.data(), 16, &error) ==
        IRO_ERR_INVALID_INPUT);
  CHECK(iro_keyring_create(db.c_str(), nullptr, kKey.data(), kKey.size(), &error) ==
        IRO_ERR_MISUSE);
  CHECK(iro_keyring_exists(db.c_str()) == 0);
  REQUIRE(iro_keyring_create(db.c_str(), kPassphrase, kKey.data(), kKey.size(), &error) == IRO_OK);
  CHECK(iro_keyring_exists(db.c_str()) == 1);
  CHECK((std::filesystem::status(db + ".keyring").permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  CHECK(iro_keyring_unlock(db.c_str(), kPassphrase, key.data(), 31, &error) == IRO_ERR_MISUSE);
  REQUIRE(iro_keyring_unlock(db.c_str(), kPassphrase, key.data(), key.size(), &error) == IRO_OK);
  CHECK(key == kKey);
}
