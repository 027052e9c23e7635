#include "service/dashboard.hpp"

#include <algorithm>
#include <map>

#include "iro/child_timescales.hpp"
#include "iro/error.hpp"
#include "iro/holiday_calendar.hpp"
#include "service/tenant_policy.hpp"

namespace iro::server {
namespace {

constexpr std::uint64_t kDayMs = 24ull * 60 * 60 * 1000;

std::string text_field(const Document& document, std::string_view field) {
  const Value* value = document.field(field);
  const std::string* text = value ? std::get_if<std::string>(value) : nullptr;
  return text ? *text : std::string();
}

std::optional<Date> date_field(const Document& document, std::string_view field) {
  const Value* value = document.field(field);
  const Date* date = value ? std::get_if<Date>(value) : nullptr;
  return date ? std::optional<Date>(*date) : std::nullopt;
}

// The name a manager knows the child by: the preferred name when the child
// gave one, then the family name.
std::string child_name(const Document& child) {
  const std::string preferred = text_field(child, "preferred_name");
  return (preferred.empty() ? text_field(child, "first_name") : preferred) + " " +
         text_field(child, "last_name");
}

// Everything the dashboard reads about one council, read once.
class CouncilRecords {
 public:
  CouncilRecords(StoreTxn& txn, const std::string& tenant) : m_txn(txn), m_tenant(tenant) {
    const DeviceIdentity council{"", "", tenant, Role::admin};
    for (Document& child : txn.documents_in_scope(council, Kind::child)) {
      if (!child.deleted) children.emplace(child.child_id, std::move(child));
    }
    for (const Kind kind : {Kind::review, Kind::visit, Kind::letter, Kind::challenge}) {
      for (Document& record : txn.documents_in_scope(council, kind)) {
        if (!record.deleted) by_child[kind][record.child_id].push_back(std::move(record));
      }
    }
  }

  const std::vector<Document>& records(Kind kind, const std::string& child_id) {
    return by_child[kind][child_id];
  }

  std::optional<std::string> iro_of(const std::string& child_id) {
    return m_txn.allocated_user(m_tenant, child_id);
  }

  // A user's name, read once.
  const std::string& name_of(const std::string& user_id) {
    auto known = m_names.find(user_id);
    if (known == m_names.end()) {
      const auto user = m_txn.user(user_id);
      known = m_names.emplace(user_id, user ? user->name : user_id).first;
    }
    return known->second;
  }

  std::map<std::string, Document> children;  // by child id
  std::map<Kind, std::map<std::string, std::vector<Document>>> by_child;

 private:
  StoreTxn& m_txn;
  std::string m_tenant;
  std::map<std::string, std::string> m_names;
};

// A pre-review visit recorded since the last review (or since care began).
bool visited_since(const std::vector<Document>& visits, Date since) {
  return std::any_of(visits.begin(), visits.end(), [&](const Document& visit) {
    const auto date = date_field(visit, "date");
    return text_field(visit, "visit_type") == "pre_review" && date && *date > since;
  });
}

// Changes in the device's scope committed since its last catch-up: what its
// next sync brings down (a count, no page read).
std::uint64_t waiting_for(StoreTxn& txn, const DeviceRow& device, const std::string& tenant) {
  const auto user = txn.user(device.user_id);
  if (!user || device.revoked_ms) return 0;
  const Changes first =
      txn.pull_page({device.id, user->id, tenant, user->role}, device.last_cursor, 1);
  return first.entries.size() + first.remaining;
}

void sort_by_due(std::vector<DueRow>& rows) {
  std::stable_sort(rows.begin(), rows.end(),
                   [](const DueRow& a, const DueRow& b) { return a.due < b.due; });
}

}  // namespace

Dashboard dashboard(StoreTxn& txn, const DashboardRequest& request) {
  if (!txn.tenant_exists(request.tenant)) {
    throw Error(ErrorCode::not_found, "no tenant " + request.tenant.substr(0, 60));
  }
  CouncilRecords council(txn, request.tenant);
  const TimescalePolicy& policy = tenant_timescale_policy(txn, request.tenant);
  const HolidayCalendar& calendar = HolidayCalendar::england_and_wales();
  const Date soon = request.today.plus_days(request.due_within_days);

  Dashboard board;
  std::map<std::string, CaseloadRow> caseloads;  // by user id
  for (const auto& [child_id, child] : council.children) {
    const auto iro = council.iro_of(child_id);
    const std::string iro_name = iro ? council.name_of(*iro) : std::string();
    if (iro) {
      CaseloadRow& caseload = caseloads[*iro];
      caseload.user_id = *iro;
      caseload.name = iro_name;
      ++caseload.children;
    }
    for (const Document& letter : council.records(Kind::letter, child_id)) {
      if (text_field(letter, "status") == "submitted") {
        board.letters_awaiting_approval.push_back(
            {letter.id, child_id, child_name(child), iro_name});
      }
    }
    for (const Document& challenge : council.records(Kind::challenge, child_id)) {
      const std::string status = text_field(challenge, "status");
      if (status == "resolved") continue;
      const auto due = date_field(challenge, "response_due");
      board.open_challenges.push_back(
          {child_id, child_name(child), status.empty() ? "open" : status,
           text_field(challenge, "stage"), text_field(challenge, "category"), due,
           status != "responded" && due && *due < request.today});
    }
    std::optional<ChildTimescales> timescales;
    try {
      timescales = child_timescales(child, council.records(Kind::review, child_id), policy,
                                    calendar, request.today);
    } catch (const Error&) {
      board.children_without_dates.push_back(child_id);
      continue;
    }
    const NextReview& next = timescales->timescales.next;
    const bool overdue = next.overdue_on(request.today);
    if (overdue && iro) ++caseloads[*iro].overdue_reviews;
    if (overdue || next.due.due <= soon) {
      board.reviews.push_back({child_id, child_name(child), iro_name, next.due.due, overdue});
    }
    const std::vector<HeldReview>& held = timescales->timescales.reviews;
    const Date last =
        held.empty() ? timescales->timescales.looked_after : held.back().timeliness.date;
    if (!visited_since(council.records(Kind::visit, child_id), last) &&
        next.pre_review_visit_by <= soon) {
      board.visits.push_back({child_id, child_name(child), iro_name, next.pre_review_visit_by,
                              next.pre_review_visit_by < request.today});
    }
  }
  for (auto& [user_id, caseload] : caseloads) board.caseloads.push_back(std::move(caseload));
  std::stable_sort(board.caseloads.begin(), board.caseloads.end(),
                   [](const CaseloadRow& a, const CaseloadRow& b) { return a.name < b.name; });
  sort_by_due(board.reviews);
  sort_by_due(board.visits);
  std::stable_sort(board.open_challenges.begin(), board.open_challenges.end(),
                   [](const ChallengeRow& a, const ChallengeRow& b) {
                     if (a.response_due && b.response_due) return *a.response_due < *b.response_due;
                     return a.response_due.has_value() && !b.response_due.has_value();
                   });

  for (const DeviceRow& device : txn.devices("")) {
    if (device.tenant != request.tenant) continue;
    const std::uint64_t unseen_ms =
        request.now_ms > device.last_seen_ms ? request.now_ms - device.last_seen_ms : 0;
    const int days = static_cast<int>(unseen_ms / kDayMs);
    board.devices.push_back({device.id, council.name_of(device.user_id), device.last_seen_ms, days,
                             days >= request.unseen_after_days,
                             waiting_for(txn, device, request.tenant),
                             device.revoked_ms.has_value(), device.unsent_changes});
  }
  std::stable_sort(board.devices.begin(), board.devices.end(),
                   [](const DeviceHealthRow& a, const DeviceHealthRow& b) {
                     return a.last_seen_ms < b.last_seen_ms;
                   });
  return board;
}

}  // namespace iro::server
