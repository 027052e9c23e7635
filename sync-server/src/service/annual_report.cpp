#include "service/annual_report.hpp"

#include <cstdio>
#include <map>
#include <sstream>

#include "iro/child_timescales.hpp"
#include "iro/error.hpp"
#include "iro/holiday_calendar.hpp"
#include "service/tenant_policy.hpp"

namespace iro::server {
namespace {

constexpr const char* kNotRecorded = "not_recorded";

// A table with a zero row for every code of `kind`'s choice `field`.
ReportTable table_of_codes(std::string name, Kind kind, std::string_view field) {
  ReportTable table{std::move(name), 0, {}};
  const FieldSpec* spec = schema_for(kind).find(field);
  for (std::string_view code : spec->choices) table.rows.push_back({std::string(code), 0});
  table.rows.push_back({kNotRecorded, 0});
  return table;
}

// Counts `document`'s code in `field` (unset, or a code the schema no longer
// has: not recorded).
void count_code(ReportTable& table, const Document& document, std::string_view field) {
  const Value* value = document.field(field);
  const std::string* code = value ? std::get_if<std::string>(value) : nullptr;
  ++table.total;
  for (ReportCount& row : table.rows) {
    if (code ? row.item == *code : false) {
      ++row.count;
      return;
    }
  }
  ++table.rows.back().count;  // not_recorded
}

std::optional<Date> date_field(const Document& document, std::string_view field) {
  const Value* value = document.field(field);
  const Date* date = value ? std::get_if<Date>(value) : nullptr;
  return date ? std::optional<Date>(*date) : std::nullopt;
}

// A review held in parts has a record for each; its codes are on the last
// part's record, or the latest part that has the field.
const Document& record_with(const std::map<std::string, const Document*>& by_id,
                            const RecordedReview& review, std::string_view field) {
  for (auto id = review.record_ids.rbegin(); id != review.record_ids.rend(); ++id) {
    const Document& record = *by_id.at(*id);
    if (record.field(field)) return record;
  }
  return *by_id.at(review.record_ids.back());
}

}  // namespace

std::string percent_of(std::size_t count, std::size_t total) {
  if (total == 0) return "";
  char text[16];
  std::snprintf(text, sizeof text, "%.1f", 100.0 * double(count) / double(total));
  return text;
}

AnnualReport annual_report(StoreTxn& txn, const AnnualReportPeriod& period) {
  if (!txn.tenant_exists(period.tenant)) {
    throw Error(ErrorCode::not_found, "no tenant " + period.tenant.substr(0, 60));
  }
  if (period.to < period.from) {
    throw Error(ErrorCode::invalid_input, "the period ends (" + period.to.to_string() +
                                              ") before it starts (" + period.from.to_string() +
                                              ")");
  }
  const DeviceIdentity council{"", "", period.tenant, Role::admin};
  const TimescalePolicy& policy = tenant_timescale_policy(txn, period.tenant);
  const HolidayCalendar& calendar = HolidayCalendar::england_and_wales();

  AnnualReport report{period, 0, 0, {}, {}};
  ReportTable participation = table_of_codes("participation", Kind::review, "participation_code");
  ReportTable permanence =
      table_of_codes("permanence_at_second_review", Kind::review, "permanence_plan");

  std::map<std::string, std::vector<Document>, std::less<>> reviews_by_child;
  for (Document& review : txn.documents_in_scope(council, Kind::review)) {
    reviews_by_child[review.child_id].push_back(std::move(review));
  }
  for (const Document& child : txn.documents_in_scope(council, Kind::child)) {
    if (child.deleted) continue;
    const std::vector<Document>& reviews = reviews_by_child[child.child_id];
    std::map<std::string, const Document*> by_id;
    for (const Document& review : reviews) by_id[review.id] = &review;
    try {
      // Held by the period's end: the reviews before it still set the clock.
      const ChildReviewRecords records = read_review_records(child, reviews, period.to);
      const ChildTimescales timescales =
          child_timescales(child, reviews, policy, calendar, period.to);
      for (std::size_t i = 0; i < records.held.size(); ++i) {
        const HeldReview& held = timescales.timescales.reviews.at(i);
        if (held.timeliness.date < period.from) continue;
        ++report.reviews_held;
        if (held.timeliness.in_timescale) ++report.reviews_in_timescale;
        count_code(participation, record_with(by_id, records.held[i], "participation_code"),
                   "participation_code");
        if (held.type == ReviewType::second) {
          count_code(permanence, record_with(by_id, records.held[i], "permanence_plan"),
                     "permanence_plan");
        }
      }
    } catch (const Error&) {
      report.children_not_assessed.push_back(child.child_id);
    }
  }

  ReportTable stages = table_of_codes("challenges_by_stage", Kind::challenge, "stage");
  ReportTable categories = table_of_codes("challenges_by_category", Kind::challenge, "category");
  for (const Document& challenge : txn.documents_in_scope(council, Kind::challenge)) {
    const auto raised = date_field(challenge, "raised_on");
    if (challenge.deleted || !raised || *raised < period.from || period.to < *raised) continue;
    count_code(stages, challenge, "stage");
    count_code(categories, challenge, "category");
  }
  report.tables = {std::move(participation), std::move(permanence), std::move(stages),
                   std::move(categories)};
  return report;
}

std::string annual_report_csv(const AnnualReport& report) {
  std::ostringstream csv;
  csv << "table,item,count,percent\n";
  csv << "reviews,held," << report.reviews_held << ",\n";
  csv << "reviews,in_timescale," << report.reviews_in_timescale << ","
      << percent_of(report.reviews_in_timescale, report.reviews_held) << "\n";
  // Their reviews are in no row: the count says the tables are short.
  csv << "reviews,children_not_assessed," << report.children_not_assessed.size() << ",\n";
  for (const ReportTable& table : report.tables) {
    for (const ReportCount& row : table.rows) {
      csv << table.name << "," << row.item << "," << row.count << ","
          << percent_of(row.count, table.total) << "\n";
    }
  }
  return csv.str();
}

}  // namespace iro::server
