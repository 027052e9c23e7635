// The managers' dashboard (service/dashboard.hpp) on Monday 3 March 2025,
// for council "shire" (the Council fixture: Ann holds C1 and C3, Bob C2,
// all looked after for years with no review recorded, so overdue) and:
//   K1 (Ann) looked after Mon 6 Jan 2025: first review due Mon 3 Feb
//     (20 working days): overdue, and its pre-review visit too
//   K2 (Bob) looked after Mon 24 Feb 2025: first review due Mon 24 Mar, within
//     28 days; visited before it already, so no visit is due
//   K3 (Ann) looked after 2 Sep 2024, reviewed 23 Sep and 16 Dec 2024: next due
//     16 Jun 2025, not soon
#include "service/dashboard.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "iro/error.hpp"
#include "server/server_fixture.hpp"
#include "service/dashboard_html.hpp"

using namespace iro;
using namespace iro::server;

namespace {

Date day(const char* iso) {
  return *Date::parse(iso);
}

constexpr std::uint64_t kDay = 24 * 60 * iro::test::kMinute;

struct DashboardCouncil : iro::test::Council {
  iro::test::EnrolledDevice ann_device, bob_device;

  DashboardCouncil() {
    add_child("shire", "K1", ann, day("2010-01-01"), day("2025-01-06"));
    add_child("shire", "K2", bob, day("2011-01-01"), day("2025-02-24"));
    add_child("shire", "K3", ann, day("2012-01-01"), day("2024-09-02"));
    record(ann_laptop, Kind::review, "K3", {{"date", day("2024-09-23")}});
    record(ann_laptop, Kind::review, "K3", {{"date", day("2024-12-16")}});
    record(ann_laptop, Kind::visit, "K1",  // a midway visit: not the pre-review one
           {{"date", day("2025-01-20")}, {"visit_type", std::string("midway")}});
    bob_laptop = identity_of(bob, new_id());
    record(bob_laptop, Kind::visit, "K2",
           {{"date", day("2025-03-01")}, {"visit_type", std::string("pre_review")}});
    letter = letter_at("submitted");
    letter_at("issued");  // not awaiting anything
    record(ann_laptop, Kind::challenge, "K1",
           {{"stage", std::string("drp1")},
            {"category", std::string("legal_delay")},
            {"response_due", day("2025-02-20")}});
    record(bob_laptop, Kind::challenge, "K2",
           {{"stage", std::string("drp2")},
            {"category", std::string("no_social_worker")},
            {"response_due", day("2025-02-01")},
            {"status", std::string("responded")}});
    record(ann_laptop, Kind::challenge, "K3",
           {{"category", std::string("good_practice")}, {"status", std::string("resolved")}});
    // Ann's tablet last synced ten days before Bob's did.
    ann_device = enrol(ann);
    clock.advance(10 * kDay);
    bob_device = enrol(bob);
    enrol(val);  // another council's
  }

  Dashboard board() {
    std::optional<Dashboard> result;
    store->read([&](StoreTxn& txn) {
      result = dashboard(txn, {"shire", day("2025-03-03"), clock.now_ms(), 28, 7});
    });
    return std::move(*result);
  }

  DeviceIdentity bob_laptop;
  std::string letter;
};

const DueRow* row_for(const std::vector<DueRow>& rows, const std::string& child) {
  const auto found = std::find_if(rows.begin(), rows.end(),
                                  [&](const DueRow& row) { return row.child_id == child; });
  return found == rows.end() ? nullptr : &*found;
}

}  // namespace

TEST_CASE("the dashboard: caseloads, reviews and visits overdue or due soon, from the timescales") {
  DashboardCouncil council;
  const Dashboard board = council.board();

  REQUIRE(board.caseloads.size() == 2);  // by name: Ann, then Bob
  CHECK(board.caseloads[0].name == "Ann Iro");
  CHECK(board.caseloads[0].children == 4);         // C1, C3, K1, K3
  CHECK(board.caseloads[0].overdue_reviews == 3);  // C1, C3, K1
  CHECK(board.caseloads[1].name == "Bob Iro");
  CHECK(board.caseloads[1].children == 2);
  CHECK(board.caseloads[1].overdue_reviews == 1);  // C2

  const DueRow* k1 = row_for(board.reviews, "K1");
  REQUIRE(k1);
  CHECK(k1->due == day("2025-02-03"));
  CHECK(k1->overdue);
  CHECK(k1->iro_name == "Ann Iro");
  CHECK(k1->child_name == "Sam Example-K1");
  const DueRow* k2 = row_for(board.reviews, "K2");
  REQUIRE(k2);
  CHECK(k2->due == day("2025-03-24"));
  CHECK_FALSE(k2->overdue);
  CHECK(row_for(board.reviews, "K3") == nullptr);  // June: not soon
  CHECK(row_for(board.reviews, "V1") == nullptr);  // another council's
  CHECK(std::is_sorted(board.reviews.begin(), board.reviews.end(),
                       [](const DueRow& a, const DueRow& b) { return a.due < b.due; }));

  // K1 had a midway visit, not a pre-review one; K2's visit is done.
  const DueRow* k1_visit = row_for(board.visits, "K1");
  REQUIRE(k1_visit);
  CHECK(k1_visit->overdue);
  CHECK(row_for(board.visits, "K2") == nullptr);
  CHECK(board.children_without_dates.empty());
}

TEST_CASE("the dashboard: letters awaiting approval, open challenges, devices not seen") {
  DashboardCouncil council;
  const Dashboard board = council.board();

  REQUIRE(board.letters_awaiting_approval.size() == 1);
  CHECK(board.letters_awaiting_approval[0].letter_id == council.letter);
  CHECK(board.letters_awaiting_approval[0].child_id == "C1");

  REQUIRE(board.open_challenges.size() == 2);        // K3's is resolved
  CHECK(board.open_challenges[0].child_id == "K2");  // the earlier response date first
  CHECK(board.open_challenges[0].status == "responded");
  CHECK_FALSE(board.open_challenges[0].overdue);  // answered: nothing to chase
  CHECK(board.open_challenges[1].child_id == "K1");
  CHECK(board.open_challenges[1].overdue);
  CHECK(board.open_challenges[1].category == "legal_delay");

  REQUIRE(board.devices.size() == 2);  // shire's two; vale's is not shown
  CHECK(board.devices[0].device_id == council.ann_device.identity.device_id);
  CHECK(board.devices[0].user_name == "Ann Iro");
  CHECK(board.devices[0].days_unseen == 10);
  CHECK(board.devices[0].unseen_too_long);
  CHECK(board.devices[0].changes_waiting > 0);  // never pulled: all of Ann's records
  CHECK(board.devices[1].device_id == council.bob_device.identity.device_id);
  CHECK(board.devices[1].days_unseen == 0);
  CHECK_FALSE(board.devices[1].unseen_too_long);
}

TEST_CASE(
    "a child whose record gives no dates is named, and its letters and challenges still show") {
  DashboardCouncil council;
  council.forget_looked_after_since("C1");
  const Dashboard board = council.board();
  CHECK(board.children_without_dates == std::vector<std::string>{"C1"});
  CHECK(row_for(board.reviews, "C1") == nullptr);
  REQUIRE(board.letters_awaiting_approval.size() == 1);
  CHECK(board.letters_awaiting_approval[0].child_id == "C1");
  CHECK(board.caseloads[0].children == 4);  // still Ann's
}

TEST_CASE("the dashboard refuses an unknown council") {
  DashboardCouncil council;
  council.store->read([&](StoreTxn& txn) {
    CHECK_THROWS_WITH_AS(dashboard(txn, {"nowhere", day("2025-03-03"), 0, 28, 7}),
                         "no tenant nowhere", Error);
  });
}

TEST_CASE(
    "the dashboard page has every section, escapes what records say, and names no child "
    "among devices") {
  DashboardRequest request{"shire", day("2025-03-03"), 0, 28, 7};
  Dashboard board;
  board.caseloads.push_back({"u1", "Ann <Iro>", 2, 1});
  board.reviews.push_back({"K1", "Jo & 'Sam' <b>", "Ann <Iro>", day("2025-02-03"), true});
  board.devices.push_back({"dev-1", "Ann <Iro>", 0, 12, true, 3, false});
  const std::string html = dashboard_page(board, request, "Meg Manager");
  for (const char* section : {"id=\"caseloads\"", "id=\"reviews\"", "id=\"visits\"",
                              "id=\"letters\"", "id=\"challenges\"", "id=\"devices\""}) {
    CAPTURE(section);
    CHECK(html.find(section) != std::string::npos);
  }
  CHECK(html.find("Jo &amp; &#39;Sam&#39; &lt;b&gt;") != std::string::npos);
  CHECK(html.find("<b>") == std::string::npos);
  CHECK(html.find("2025-02-03 (overdue)") != std::string::npos);
  CHECK(html.find("not seen for 12 days") != std::string::npos);
  const std::string devices = html.substr(html.find("id=\"devices\""));
  CHECK(devices.find("K1") == std::string::npos);
  CHECK(devices.find("Jo &amp;") == std::string::npos);
}
