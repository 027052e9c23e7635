// JSON forms of a child's timescales from the records (child_timescales.hpp):
// the whole of them, as `iro timescales --child` prints them, and one line
// per child for a manager's report (`iro-server admin timescales`). Keys:
// docs/ARCHITECTURE.md "Timescales".
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "iro/child_timescales.hpp"

namespace iro {

// {"child_id", then review_timescales_json()'s keys with "record_problems":
// [{"review_id", "date", "problem"}] after "reviews"}. "overdue" is as of `as_of`.
nlohmann::ordered_json child_timescales_json(const ChildTimescales& child, Date as_of);

// {"child_id", "policy", "looked_after", "first_review_due",
//  "next_review_due", "next_review_scheduled", "overdue", "last_review",
//  "last_review_in_timescale", "record_problems" (how many), "as_of"}, and
// under a council's policy its local dates and verdicts beside the statutory
// ones ("next_review_local_due", "local_overdue"...).
nlohmann::ordered_json child_timescales_summary_json(const ChildTimescales& child, Date as_of);

}  // namespace iro
