// The annual-report figures (service/annual_report.hpp) against a council
// whose answer is worked out by hand below, from the statutory timescales:
// first review within 20 working days of becoming looked after, the second
// within 3 months of the first, later ones within 6 months of the last.
#include "service/annual_report.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "iro/error.hpp"
#include "server/admin_run.hpp"
#include "server/server_fixture.hpp"

using namespace iro;
using namespace iro::server;

namespace {

Date day(const char* iso) {
  return *Date::parse(iso);
}

// Period 2015-04-01 to 2016-03-31 in council "shire", Ann's children:
//   K1 (born 2008) looked after Mon 5 Jan 2015:
//     26 Jan 2015 first, before the period (PN1): it only sets the clock
//     20 Apr 2015 second, due 26 Apr: in timescale; PN1, adoption
//     2 Nov 2015, due 20 Oct: late; PN5
//   K2 (born 2009) looked after Mon 2 Mar 2015:
//     13 Apr 2015 first, due 30 Mar (20 working days): late; PN3
//     1 Jun 2015 second, due 13 Jul: in timescale; PN3, long-term fostering
//     4 Apr 2016: after the period (PN2)
//   K3 (born 2013, under 4) looked after Mon 1 Jun 2015:
//     22 Jun 2015 first, due 29 Jun: in timescale; PN0
//     14 Sep 2015 second, due 22 Sep: in timescale; PN0, no plan recorded
// Challenges raised 1 May 2015 (drp1, legal delay), 1 Dec 2015 (drp2, legal
// delay), 1 Jul 2015 (no stage, good practice), 1 May 2016 (after the
// period); council "vale" has a review and a challenge in the period too.
struct ReportCouncil : iro::test::Council {
  ReportCouncil() {
    add_child("shire", "K1", ann, day("2008-06-01"), day("2015-01-05"));
    add_child("shire", "K2", ann, day("2009-02-01"), day("2015-03-02"));
    add_child("shire", "K3", ann, day("2013-05-01"), day("2015-06-01"));
    review(ann_laptop, "K1", "2015-01-26", "PN1");
    review(ann_laptop, "K1", "2015-04-20", "PN1", "adoption");
    review(ann_laptop, "K1", "2015-11-02", "PN5");
    review(ann_laptop, "K2", "2015-04-13", "PN3");
    review(ann_laptop, "K2", "2015-06-01", "PN3", "long_term_fostering");
    review(ann_laptop, "K2", "2016-04-04", "PN2");
    review(ann_laptop, "K3", "2015-06-22", "PN0");
    review(ann_laptop, "K3", "2015-09-14", "PN0");
    challenge(ann_laptop, "K1", "2015-05-01", "drp1", "legal_delay");
    challenge(ann_laptop, "K2", "2015-12-01", "drp2", "legal_delay");
    challenge(ann_laptop, "K3", "2015-07-01", "", "good_practice");
    challenge(ann_laptop, "K1", "2016-05-01", "drp3", "legal_delay");
    review(val_tablet, "V1", "2015-06-01", "PN0");
    challenge(val_tablet, "V1", "2015-06-01", "drp1", "legal_delay");
  }

  void review(const DeviceIdentity& device, const char* child, const char* date,
              const char* participation, const char* permanence = "") {
    std::vector<std::pair<std::string, Value>> fields = {
        {"date", day(date)}, {"participation_code", std::string(participation)}};
    if (*permanence) fields.emplace_back("permanence_plan", std::string(permanence));
    record(device, Kind::review, child, fields);
  }

  void challenge(const DeviceIdentity& device, const char* child, const char* raised,
                 const char* stage, const char* category) {
    std::vector<std::pair<std::string, Value>> fields = {{"raised_on", day(raised)},
                                                         {"category", std::string(category)}};
    if (*stage) fields.emplace_back("stage", std::string(stage));
    record(device, Kind::challenge, child, fields);
  }

  AnnualReport report(const char* from = "2015-04-01", const char* to = "2016-03-31",
                      const char* tenant = "shire") {
    std::optional<AnnualReport> result;
    store->read([&](StoreTxn& txn) { result = annual_report(txn, {tenant, day(from), day(to)}); });
    return std::move(*result);
  }
};

const ReportTable& table_named(const AnnualReport& report, const std::string& name) {
  for (const ReportTable& table : report.tables) {
    if (table.name == name) return table;
  }
  FAIL("no table ", name);
  return report.tables.front();
}

std::size_t count_of(const ReportTable& table, const std::string& item) {
  for (const ReportCount& row : table.rows) {
    if (row.item == item) return row.count;
  }
  FAIL("no row ", item, " in ", table.name);
  return 0;
}

}  // namespace

TEST_CASE("the annual report counts the period's reviews, timescales, codes and challenges") {
  ReportCouncil council;
  const AnnualReport report = council.report();
  CHECK(report.reviews_held == 6);
  CHECK(report.reviews_in_timescale == 4);
  CHECK(report.children_not_assessed.empty());

  const ReportTable& participation = table_named(report, "participation");
  CHECK(participation.total == 6);
  CHECK(participation.rows.size() == 9);  // PN0-PN7 and not_recorded, zeros included
  CHECK(count_of(participation, "PN0") == 2);
  CHECK(count_of(participation, "PN1") == 1);
  CHECK(count_of(participation, "PN2") == 0);  // K2's was after the period
  CHECK(count_of(participation, "PN3") == 2);
  CHECK(count_of(participation, "PN5") == 1);
  CHECK(count_of(participation, "not_recorded") == 0);

  const ReportTable& permanence = table_named(report, "permanence_at_second_review");
  CHECK(permanence.total == 3);
  CHECK(count_of(permanence, "adoption") == 1);
  CHECK(count_of(permanence, "long_term_fostering") == 1);
  CHECK(count_of(permanence, "not_recorded") == 1);

  const ReportTable& stages = table_named(report, "challenges_by_stage");
  CHECK(stages.total == 3);  // vale's and the one raised after the period are not
  CHECK(count_of(stages, "drp1") == 1);
  CHECK(count_of(stages, "drp2") == 1);
  CHECK(count_of(stages, "drp3") == 0);
  CHECK(count_of(stages, "not_recorded") == 1);
  const ReportTable& categories = table_named(report, "challenges_by_category");
  CHECK(count_of(categories, "legal_delay") == 2);
  CHECK(count_of(categories, "good_practice") == 1);
}

TEST_CASE("the annual report as CSV: a row a figure, shares of each table's total") {
  ReportCouncil council;
  const std::string csv = annual_report_csv(council.report());
  CHECK(
      csv.starts_with("table,item,count,percent\nreviews,held,6,\n"
                      "reviews,in_timescale,4,66.7\nreviews,children_not_assessed,0,\n"));
  CHECK(csv.find("\nparticipation,PN3,2,33.3\n") != std::string::npos);
  CHECK(csv.find("\nparticipation,PN6,0,0.0\n") != std::string::npos);
  CHECK(csv.find("\npermanence_at_second_review,adoption,1,33.3\n") != std::string::npos);
  CHECK(csv.find("\nchallenges_by_category,legal_delay,2,66.7\n") != std::string::npos);
  // A period with nothing in it: zero counts, no shares.
  const std::string empty = annual_report_csv(council.report("2010-01-01", "2010-12-31"));
  CHECK(empty.find("\nreviews,in_timescale,0,\n") != std::string::npos);
  CHECK(empty.find("\nparticipation,PN1,0,\n") != std::string::npos);
}

TEST_CASE(
    "the annual report names children whose records give no timescales, and counts the rest") {
  ReportCouncil council;
  council.forget_looked_after_since("K1");  // no dates to judge K1's reviews by
  const AnnualReport report = council.report();
  CHECK(report.children_not_assessed == std::vector<std::string>{"K1"});
  CHECK(report.reviews_held == 4);  // K2's and K3's
  CHECK(annual_report_csv(report).find("\nreviews,children_not_assessed,1,\n") !=
        std::string::npos);
}

TEST_CASE("the annual report refuses an unknown council and a period that ends before it starts") {
  ReportCouncil council;
  CHECK_THROWS_WITH_AS(council.report("2015-04-01", "2016-03-31", "nowhere"), "no tenant nowhere",
                       Error);
  CHECK_THROWS_WITH_AS(council.report("2016-04-01", "2015-03-31"),
                       "the period ends (2015-03-31) before it starts (2016-04-01)", Error);
  // From the command line too, with bad dates refused before anything is read.
  const auto bad_date = iro::test::run_admin(
      council.dir / "server",
      {"annual-report", "--tenant", "shire", "--from", "2015-13-01", "--to", "2016-03-31"});
  CHECK(bad_date.exit_code != 0);
  CHECK(bad_date.err.find("--from: \"2015-13-01\" is not a date") != std::string::npos);
  const auto csv = iro::test::run_admin(
      council.dir / "server",
      {"annual-report", "--tenant", "shire", "--from", "2015-04-01", "--to", "2016-03-31"});
  REQUIRE_MESSAGE(csv.exit_code == 0, csv.err);
  CHECK(csv.out == annual_report_csv(council.report()));
}
