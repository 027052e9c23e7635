// The managers' timescales report, from records the devices synced: the same
// core assembly as `iro timescales --child` on a tablet.
#include "service/timescales_report.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "iro/child_timescales.hpp"
#include "iro/child_timescales_json.hpp"
#include "iro/error.hpp"
#include "iro/store.hpp"
#include "server/loopback_sync.hpp"
#include "service/caseload.hpp"
#include "service/tenant_policy.hpp"

using namespace iro;
using namespace iro::server;
using nlohmann::ordered_json;

namespace {

Date day(const char* iso) {
  return *Date::parse(iso);
}

// Council "shire" (Ann: C1, C2; Bob: C3), and C4, looked after since Mon 8
// Jan 2024, also Ann's. Her tablet recorded C4's first review offline, in
// timescale, and a second one without a date, and synced.
struct ReportRig : iro::test::LoopbackCouncil {
  std::unique_ptr<DeviceStore> tablet;

  ReportRig() {
    add_child("shire", "C4", ann, day("2024-01-08"));
    tablet = enrolled_device("tablet", ann);
    REQUIRE(sync(*tablet).state == SyncState::done);
    tablet->create(Kind::review, "C4",
                   {{"date", day("2024-02-05")}, {"venue", std::string("Home")}});
    tablet->create(Kind::review, "C4", {{"venue", std::string("School")}});
    REQUIRE(sync(*tablet).state == SyncState::done);
  }

  TimescalesReport report(TimescalesReportScope scope, const char* as_of = "2024-05-01") {
    TimescalesReport result;
    store->read([&](StoreTxn& txn) { result = timescales_report(txn, scope, day(as_of)); });
    return result;
  }

  std::string refusal(TimescalesReportScope scope) {
    try {
      report(std::move(scope));
    } catch (const Error& error) {
      return error.what();
    }
    FAIL_CHECK("the report was not refused");
    return "";
  }
};

std::vector<std::string> children_of(const TimescalesReport& report) {
  std::vector<std::string> children;
  for (const ordered_json& line : report.lines) children.push_back(line["child_id"]);
  return children;
}

const ordered_json& line_of(const TimescalesReport& report, const std::string& child_id) {
  for (const ordered_json& line : report.lines) {
    if (line["child_id"] == child_id) return line;
  }
  FAIL("no line for ", child_id);
  return report.lines.front();
}

}  // namespace

TEST_CASE(
    "one line per child of the council, with the IRO, next due, overdue and the last review") {
  ReportRig rig;
  const TimescalesReport report = rig.report({"shire", ""});
  CHECK(children_of(report) == std::vector<std::string>{"C1", "C2", "C3", "C4"});
  CHECK(report.unassessed == 0);

  const ordered_json& c4 = line_of(report, "C4");
  CHECK(c4["iro_user_id"] == rig.ann);
  CHECK(c4["policy"] == "statutory");
  CHECK(c4["first_review_due"] == "2024-02-05");
  CHECK(c4["next_review_due"] == "2024-05-05");  // 3 months after the first
  CHECK(c4["overdue"] == false);
  CHECK(c4["last_review"] == "2024-02-05");
  CHECK(c4["last_review_in_timescale"] == true);
  CHECK(c4["record_problems"] == 1);  // the review with no date
  CHECK(c4.find("next_review_local_due") == c4.end());

  // C3, Bob's, looked after since 2012 with no review on record: overdue.
  const ordered_json& c3 = line_of(report, "C3");
  CHECK(c3["iro_user_id"] == rig.bob);
  CHECK(c3["overdue"] == true);
  CHECK(c3["last_review"] == nullptr);
  CHECK(c3["last_review_in_timescale"] == nullptr);

  // Four days later C4's second review is overdue.
  CHECK(line_of(rig.report({"shire", ""}, "2024-05-06"), "C4")["overdue"] == true);
}

TEST_CASE("the line is the summary the device's own computation gives, plus the allocated IRO") {
  ReportRig rig;
  const std::vector<Document> on_tablet = rig.tablet->query(DocumentQuery::of_child("C4"));
  const auto child = std::ranges::find(on_tablet, Kind::child, &Document::kind);
  REQUIRE(child != on_tablet.end());
  ordered_json expected = child_timescales_summary_json(
      child_timescales(*child, on_tablet, timescale_policy("statutory"),
                       HolidayCalendar::england_and_wales(), day("2024-05-01")),
      day("2024-05-01"));
  ordered_json line = line_of(rig.report({"shire", ""}), "C4");
  CHECK(line["iro_user_id"] == rig.ann);
  line.erase("iro_user_id");
  CHECK(line == expected);
}

TEST_CASE("a user's report holds only the children allocated to them") {
  ReportRig rig;
  CHECK(children_of(rig.report({"", rig.ann})) == std::vector<std::string>{"C1", "C2", "C4"});
  CHECK(children_of(rig.report({"shire", rig.bob})) == std::vector<std::string>{"C3"});
  const std::string meg = rig.add_user("shire", "Meg Manager", Role::manager);
  CHECK(rig.report({"", meg}).lines.empty());  // a manager with no caseload of their own

  // After a re-allocation, the child is in the new IRO's report only.
  rig.write_with_clock(
      [&](StoreTxn& txn, TxnClock& clock) { allocate_child(txn, "C4", rig.bob, clock); });
  CHECK(children_of(rig.report({"", rig.bob})) == std::vector<std::string>{"C3", "C4"});
  CHECK(line_of(rig.report({"shire", ""}), "C4")["iro_user_id"] == rig.bob);
}

TEST_CASE("under a council's policy each line shows its local dates beside the statutory ones") {
  ReportRig rig;
  rig.store->write(
      [](StoreTxn& txn) { set_tenant_timescale_policy(txn, "shire", "herefordshire"); });
  const ordered_json c4 = line_of(rig.report({"shire", ""}), "C4");
  CHECK(c4["policy"] == "herefordshire");
  CHECK(c4["next_review_due"] == "2024-05-05");
  CHECK(c4["next_review_local_due"] == "2024-04-29");  // 12 weeks after 5 February
  CHECK(c4["overdue"] == false);
  CHECK(c4["local_overdue"] == true);
  CHECK(c4["last_review_in_local_timescale"] == true);
}

TEST_CASE("a child with no looked-after date gets a line saying so, and the others are assessed") {
  ReportRig rig;
  rig.write_with_clock([&](StoreTxn& txn, TxnClock& clock) {
    ChildRecordRow row = iro::test::child_row("C5", day("2015-06-01"));
    row.fields.erase("looked_after_since");
    import_children(txn, "shire", std::span(&row, 1), clock, rig.ids);
  });
  const TimescalesReport report = rig.report({"shire", ""});
  CHECK(report.unassessed == 1);
  CHECK(report.lines.size() == 5);
  const ordered_json& c5 = line_of(report, "C5");
  CHECK(c5["iro_user_id"] == nullptr);  // not allocated yet
  CHECK(c5["policy"] == "statutory");
  CHECK(c5["error"] == "child C5 has no looked_after_since date in its record");
  CHECK(line_of(report, "C4")["next_review_due"] == "2024-05-05");
}

TEST_CASE("a report for an unknown council or user, or a user of another council, is refused") {
  ReportRig rig;
  rig.add_tenant("vale");
  const std::string val = rig.add_user("vale", "Val Iro");
  CHECK(rig.refusal({"wold", ""}) == "no tenant wold");
  CHECK(rig.refusal({"", "no-such-user"}) == "no user no-such-user");
  CHECK(rig.refusal({"shire", val}) == "user " + val + " is in tenant vale, not shire");
  CHECK(rig.refusal({"", ""}) == "say whose children: --tenant T or --user U");
  CHECK(rig.report({"vale", ""}).lines.empty());
}
