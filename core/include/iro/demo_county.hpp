// A synthetic county for demos, tests and benchmarks. Every name and date is
// made up from fixed lists and a seeded generator: no real person's data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "iro/date.hpp"
#include "iro/document.hpp"

namespace iro {

struct DemoChild {
  std::string child_id;  // "DEMO-0001"...
  std::string first_name;
  std::string last_name;
  std::string preferred_name;  // often empty
  std::string pronouns;
  Date date_of_birth = Date::from_ymd(2015, 1, 1);
  Date looked_after_since = Date::from_ymd(2020, 1, 1);
  std::string legal_status;  // SSDA903 code
};

// `count` children aged 0-17 on `today`, looked after for up to 6 years.
// The same seed gives the same county.
std::vector<DemoChild> make_demo_children(std::size_t count, std::uint64_t seed, Date today);

// A review the demo child has had: its record's fields (date, review_type,
// format, participation_code fitting the child's age, status finalised, and
// out_of_timescale_reason when it was held late).
struct DemoReview {
  FieldMap fields;
};

// The reviews a demo child has had by `today`, by the statutory timescales:
// most held a few days early, about one in eight late with a reason, and a
// third of those due in the last 45 days not held yet, so a demo county shows
// children in timescale, due soon and overdue.
std::vector<DemoReview> make_demo_reviews(const DemoChild& child, std::uint64_t seed, Date today);

// The child's record fields, as the council's case system would provide them.
FieldMap child_record_fields(const DemoChild& child);

// The children as CSV in the import-children format (header row first).
std::string demo_children_csv(const std::vector<DemoChild>& children);

}  // namespace iro
