// A child's review timescales from the records a device or the server holds:
// the child record's looked_after_since and the child's review records. The
// one assembly behind `iro timescales --child` and the managers' report
// (`iro-server admin timescales`), so a tablet and a manager's report give the
// same dates from the same records. docs/ARCHITECTURE.md "Timescales" says
// which records count and why.
//
// Pure functions: no store, no clock (the caller says which day it is).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "iro/date.hpp"
#include "iro/document.hpp"
#include "iro/holiday_calendar.hpp"
#include "iro/timescale_policy.hpp"
#include "iro/timescales.hpp"

namespace iro {

// A review record the timescales do not use as it stands, and what was done
// instead, so the IRO can find the record by its id and correct it.
struct ReviewRecordProblem {
  std::string review_id;
  std::optional<Date> date;  // the record's date, when it has one
  std::string problem;       // "no date: not counted"

  bool operator==(const ReviewRecordProblem&) const = default;
};

// One review as the records tell it: a record, or the records of its parts.
struct RecordedReview {
  HeldMeeting meeting;  // held on its last part's date: a review in parts is complete then
  std::vector<std::string> record_ids;  // its record, or each part's, in order
  std::string reason_record_id;         // the record its out_of_timescale_reason came from
  std::int64_t last_part = 1;           // a review not held in parts is its own first part
};

// What a child's records say, ready for review_timescales().
struct ChildReviewRecords {
  Date looked_after;
  std::vector<RecordedReview> held;  // the reviews held by `as_of`, in date order
  // The earliest review recorded with a date after `as_of`: the next one, booked.
  std::optional<Date> booked;
  std::vector<ReviewRecordProblem> problems;

  std::vector<HeldMeeting> held_meetings() const;
};

// Reads the child's review records among `records` (which may hold any
// documents: only live review records of this child are read). A review
// record is not counted, with a problem saying why, when it has no date, is
// dated before the child became looked after (an earlier period of care), or
// has the date of another review that is not its earlier part. A record whose
// `part` is higher than the last part of the review before it continues that
// review. Reviews dated after `as_of` are not held yet. Throws
// Error(invalid_input) when `child` is not a child record or has no
// looked_after_since.
ChildReviewRecords read_review_records(const Document& child, std::span<const Document> records,
                                       Date as_of);

struct ChildTimescales {
  std::string child_id;
  ReviewTimescales timescales;
  std::vector<ReviewRecordProblem> problems;
};

// The child's review timescales under `policy`, judged on `as_of`.
// `scheduled` (the booked date of the next review) overrides the booked
// review the records show. An out_of_timescale_reason on a review held in
// both its timescales is left out, with a problem, rather than refused: the
// review still counts, and one wrong field must not hide a child's dates.
// Throws as read_review_records does, and as review_timescales does for a
// bad `scheduled`.
ChildTimescales child_timescales(const Document& child, std::span<const Document> records,
                                 const TimescalePolicy& policy, const HolidayCalendar& calendar,
                                 Date as_of, std::optional<Date> scheduled = std::nullopt);

}  // namespace iro
