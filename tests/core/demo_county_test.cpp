#include "iro/demo_county.hpp"

#include <doctest/doctest.h>

#include "iro/timescale_policy.hpp"
#include "iro/timescales.hpp"
#include "iro/validation.hpp"

using namespace iro;

namespace {

const Date kToday = Date::from_ymd(2026, 11, 23);

}  // namespace

TEST_CASE("demo reviews are valid records, in order, after the child came into care") {
  std::size_t reviews = 0, late = 0;
  for (const DemoChild& child : make_demo_children(60, 2024, kToday)) {
    CAPTURE(child.child_id);
    std::optional<Date> previous;
    std::vector<HeldMeeting> held;
    for (const DemoReview& review : make_demo_reviews(child, 2024, kToday)) {
      ++reviews;
      Document record{"", Kind::review, child.child_id, review.fields, false, {}};
      const KindSchema& schema = schema_for(Kind::review);
      for (const auto& [name, value] : record.fields) {
        validate_value(schema, name, *schema.find(name), value);
      }
      // The participation code fits the child's age on the review date.
      CHECK_NOTHROW(validate_cross_field_rules(record, {child.date_of_birth}));
      const Date date = std::get<Date>(*record.field("date"));
      CHECK(date > child.looked_after_since);
      CHECK(date < kToday);
      if (previous) CHECK(date > *previous);
      previous = date;
      const Value* reason = record.field("out_of_timescale_reason");
      if (reason) ++late;
      held.push_back({date, reason ? std::get<std::string>(*reason) : std::string()});
    }
    // The timescales engine accepts the history: every late review has a reason
    // and no review held in timescale claims one.
    CHECK_NOTHROW(review_timescales(child.looked_after_since, held, timescale_policy("statutory"),
                                    HolidayCalendar::england_and_wales()));
  }
  CHECK(reviews > 100);
  CHECK(late > 0);
}

TEST_CASE("the same seed gives the same demo reviews") {
  const DemoChild child = make_demo_children(1, 7, kToday).front();
  const auto first = make_demo_reviews(child, 7, kToday);
  const auto again = make_demo_reviews(child, 7, kToday);
  REQUIRE(first.size() == again.size());
  for (std::size_t i = 0; i < first.size(); ++i) CHECK(first[i].fields == again[i].fields);
}
