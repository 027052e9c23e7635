// JSON forms of computed timescales: what `iro timescales` prints (README,
// "The device command line"), and what other hosts (the bridge, the server's view
// for managers) are to return. Dates are "YYYY-MM-DD"; keys keep a fixed
// order, due dates first, for the person reading it. Keys about a council's
// local target (local_due, local_interval, in_local_timescale...) appear only
// under a policy that has one. docs/ARCHITECTURE.md, "Timescales", lists them.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "iro/holiday_calendar.hpp"
#include "iro/timescales.hpp"

namespace iro {

// {"policy", "looked_after", "iro_allocation_due", "first_review_due",
//  "next_review_due", "next_review": {...}, "reviews": [{"date", "due",
//  "in_timescale", ...}]}; "overdue" in next_review is as of `as_of`.
nlohmann::ordered_json review_timescales_json(const ReviewTimescales& timescales, Date as_of);

// {"strategy_discussion", "initial_conference_due", "next_conference_due",
//  "next_conference": {...}, "conferences": [...]}.
nlohmann::ordered_json child_protection_json(const ChildProtectionTimescales& timescales,
                                             Date as_of);

// {"raised", "meeting_by", "response_due"}.
nlohmann::ordered_json formal_dispute_json(const FormalDisputeTimescales& timescales);

// The years whose bank holidays come from data, as ranges: ["2015-2030"].
// Other years are computed by rule.
nlohmann::ordered_json holiday_data_years_json(const HolidayCalendar& calendar);

}  // namespace iro
