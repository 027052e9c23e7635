// What a council's managers see on their dashboard, from the
// records on the server, as of one day: each IRO's caseload, reviews and
// pre-review visits overdue or due soon, letters awaiting a manager's
// approval, open challenges and their response dates, and each device's sync
// health. Review dates are the statutory ones the timescales report computes
// (core's child_timescales), so a manager, the report and a tablet agree.
//
// The device rows name no child and carry no record text: operators who
// support devices see them without seeing personal data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "iro/date.hpp"
#include "store/server_store.hpp"

namespace iro::server {

struct DashboardRequest {
  std::string tenant;
  Date today;
  std::uint64_t now_ms = 0;
  int due_within_days = 28;   // "due soon": on or before today + this
  int unseen_after_days = 7;  // a device not seen for this many days or more is flagged
};

struct CaseloadRow {
  std::string user_id;
  std::string name;
  std::size_t children = 0;
  std::size_t overdue_reviews = 0;
};

// A review or a pre-review visit that is overdue or due soon.
struct DueRow {
  std::string child_id;
  std::string child_name;
  std::string iro_name;  // empty when the child is not allocated
  Date due;
  bool overdue = false;
};

struct LetterRow {
  std::string letter_id;
  std::string child_id;
  std::string child_name;
  std::string iro_name;
};

struct ChallengeRow {
  std::string child_id;
  std::string child_name;
  std::string status;  // open or responded
  std::string stage;
  std::string category;
  std::optional<Date> response_due;
  bool overdue = false;  // open past its response date
};

struct DeviceHealthRow {
  std::string device_id;
  std::string user_name;
  std::uint64_t last_seen_ms = 0;
  int days_unseen = 0;
  bool unseen_too_long = false;
  std::uint64_t changes_waiting = 0;  // in its scope, committed since its last catch-up
  bool revoked = false;
  // In its outbox at its last Hello, not yet pushed (0 once it caught up):
  // changes that keep not arriving.
  std::uint64_t unsent_changes = 0;
};

struct Dashboard {
  std::vector<CaseloadRow> caseloads;  // by name
  std::vector<DueRow> reviews;         // by due date
  std::vector<DueRow> visits;          // pre-review visits, by due date
  std::vector<LetterRow> letters_awaiting_approval;
  std::vector<ChallengeRow> open_challenges;        // by response date, none last
  std::vector<DeviceHealthRow> devices;             // least recently seen first
  std::vector<std::string> children_without_dates;  // records give no timescales
};

// Throws Error(not_found) for an unknown tenant.
Dashboard dashboard(StoreTxn& txn, const DashboardRequest& request);

}  // namespace iro::server
