// The IRO service's annual-report figures for one council and period, from
// the records on the server: the tables the IRO annual reports in
// publish and councils now count by hand:
//   reviews held, and how many in timescale (statutory dates, as the
//     timescales report computes them: core's child_timescales);
//   participation by SSDA903 code, PN0-PN7, of the reviews held;
//   permanence plan types at the second review;
//   challenges raised, by stage and by category.
// Every code of each table has a row, zero or not, so that two periods'
// tables line up.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "iro/date.hpp"
#include "store/server_store.hpp"

namespace iro::server {

struct AnnualReportPeriod {
  std::string tenant;
  Date from;  // inclusive
  Date to;    // inclusive
};

// One row of a table: a code and how many records had it.
struct ReportCount {
  std::string item;
  std::size_t count = 0;
};

struct ReportTable {
  std::string name;  // "participation", "permanence_at_second_review", ...
  // What the shares are of (reviews held, second reviews, challenges).
  std::size_t total = 0;
  std::vector<ReportCount> rows;  // the field's codes in the schema's order, then "not_recorded"
};

struct AnnualReport {
  AnnualReportPeriod period;
  std::size_t reviews_held = 0;
  std::size_t reviews_in_timescale = 0;
  // Children whose reviews could not be counted (no looked_after_since, or
  // review records the timescales refuse): named so they can be mended.
  std::vector<std::string> children_not_assessed;
  std::vector<ReportTable> tables;
};

// Reviews count when held in the period (their last part's date, as the
// timescales count them); challenges when raised in it. Throws
// Error(not_found) for an unknown tenant, Error(invalid_input) when `to` is
// before `from`.
AnnualReport annual_report(StoreTxn& txn, const AnnualReportPeriod& period);

// `count` as a percentage of `total`, one decimal ("66.7"); empty when
// `total` is 0.
std::string percent_of(std::size_t count, std::size_t total);

// The report as CSV, one row a figure: "table,item,count,percent" (percent
// of the table's total, one decimal; empty when the total is 0).
std::string annual_report_csv(const AnnualReport& report);

}  // namespace iro::server
