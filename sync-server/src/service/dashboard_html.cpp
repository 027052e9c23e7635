#include "service/dashboard_html.hpp"

#include <sstream>
#include <vector>

#include "service/web_login.hpp"

namespace iro::server {
namespace {

constexpr const char* kStyle =
    "body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1b1b}"
    "h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}"
    "table{border-collapse:collapse;min-width:40rem}"
    "th,td{border-bottom:1px solid #ccc;padding:.3rem .8rem;text-align:left}"
    ".overdue{color:#a40000;font-weight:600}.empty{color:#555;font-style:italic}"
    "nav a{margin-right:1rem}";

std::string page(std::string_view title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
         "<title>" +
         html_escape(title) + "</title><style>" + kStyle + "</style></head><body>\n" + body +
         "</body></html>\n";
}

// A table with `id`, its header cells, and rows of already-escaped cells;
// a line saying there is nothing when there are no rows.
class Table {
 public:
  Table(std::string id, std::string heading, std::vector<std::string> columns)
      : m_id(std::move(id)), m_heading(std::move(heading)), m_columns(std::move(columns)) {}

  void row(std::vector<std::string> cells, bool overdue = false) {
    m_rows << (overdue ? "<tr class=\"overdue\">" : "<tr>");
    for (const std::string& cell : cells) m_rows << "<td>" << cell << "</td>";
    m_rows << "</tr>\n";
    ++m_count;
  }

  std::string html() const {
    std::ostringstream out;
    out << "<section id=\"" << m_id << "\"><h2>" << html_escape(m_heading) << " (" << m_count
        << ")</h2>\n";
    if (m_count == 0) {
      out << "<p class=\"empty\">None.</p></section>\n";
      return out.str();
    }
    out << "<table><thead><tr>";
    for (const std::string& column : m_columns) out << "<th>" << html_escape(column) << "</th>";
    out << "</tr></thead><tbody>\n" << m_rows.str() << "</tbody></table></section>\n";
    return out.str();
  }

 private:
  std::string m_id, m_heading;
  std::vector<std::string> m_columns;
  std::ostringstream m_rows;
  std::size_t m_count = 0;
};

std::string due_text(Date due, bool overdue) {
  return due.to_string() + (overdue ? " (overdue)" : "");
}

std::string due_rows_html(const char* id, const std::string& heading,
                          const std::vector<DueRow>& rows) {
  Table table(id, heading, {"Due", "Child", "Child id", "IRO"});
  for (const DueRow& row : rows) {
    table.row(
        {due_text(row.due, row.overdue), html_escape(row.child_name), html_escape(row.child_id),
         row.iro_name.empty() ? "<em>not allocated</em>" : html_escape(row.iro_name)},
        row.overdue);
  }
  return table.html();
}

// The seed reports' names for the annual report's tables.
std::string title_of(const std::string& table) {
  if (table == "participation") return "Participation in reviews (SSDA903 PN codes)";
  if (table == "permanence_at_second_review") return "Permanence plans at the second review";
  if (table == "challenges_by_stage") return "Challenges raised, by stage";
  if (table == "challenges_by_category") return "Challenges raised, by category";
  return table;
}

std::string percent_text(std::size_t count, std::size_t total) {
  const std::string percent = percent_of(count, total);
  return percent.empty() ? percent : percent + "%";
}

}  // namespace

std::string login_page(std::string_view council, std::string_view login, std::string_view error) {
  std::ostringstream body;
  body << "<header><h1>IRO service: managers' sign-in</h1></header>\n";
  if (!error.empty())
    body << "<p id=\"login-error\" class=\"overdue\">" << html_escape(error) << "</p>\n";
  body << "<form method=\"post\" action=\"/login\" id=\"login\">"
       << "<p><label>Council <input name=\"council\" autocomplete=\"organization\" required "
          "value=\""
       << html_escape(council) << "\"></label></p>"
       << "<p><label>Login <input name=\"login\" autocomplete=\"username\" required value=\""
       << html_escape(login) << "\"></label></p>"
       << "<p><label>Password <input name=\"password\" type=\"password\" "
          "autocomplete=\"current-password\" required></label></p>"
       << "<p><button type=\"submit\">Sign in</button></p></form>\n";
  return page("Sign in", body.str());
}

std::string password_page(std::string_view viewer, std::string_view error, bool changed) {
  std::ostringstream body;
  body << "<header><h1>Change your password</h1><p>" << html_escape(viewer) << "</p>"
       << "<nav><a href=\"/dashboard\">Dashboard</a></nav></header>\n";
  if (!error.empty())
    body << "<p id=\"password-error\" class=\"overdue\">" << html_escape(error) << "</p>\n";
  if (changed) body << "<p id=\"password-changed\">Your password is changed.</p>\n";
  body << "<form method=\"post\" action=\"/dashboard/password\" id=\"password\">"
       << "<p><label>Current password <input name=\"current\" type=\"password\" "
          "autocomplete=\"current-password\" required></label></p>"
       << "<p><label>New password <input name=\"new\" type=\"password\" "
          "autocomplete=\"new-password\" minlength=\""
       << kMinPasswordLength << "\" maxlength=\"" << kMaxPasswordLength
       << "\" required></label></p>"
       << "<p><label>New password again <input name=\"again\" type=\"password\" "
          "autocomplete=\"new-password\" required></label></p>"
       << "<p>" << kMinPasswordLength << " to " << kMaxPasswordLength
       << " characters. Every other browser signed in as you is signed out; this one stays signed "
          "in.</p>"
       << "<p><button type=\"submit\">Change password</button></p></form>\n";
  return page("Change your password", body.str());
}

std::string html_escape(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&#39;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

std::string dashboard_page(const Dashboard& board, const DashboardRequest& request,
                           std::string_view viewer) {
  std::ostringstream body;
  body << "<header><h1>" << html_escape(request.tenant) << ": IRO service dashboard</h1>"
       << "<p>" << html_escape(viewer) << ", as of " << request.today.to_string() << "</p>"
       << "<nav><a href=\"/dashboard/annual-report\">Annual report</a>"
       << "<a href=\"/dashboard/password\" id=\"change-password\">Change password</a>"
       << "<form method=\"post\" action=\"/logout\" style=\"display:inline\">"
       << "<button type=\"submit\" id=\"logout\">Sign out</button></form></nav>"
       << "<form method=\"get\" action=\"/dashboard\" id=\"window\"><label>Due within "
       << "<input type=\"number\" name=\"due_days\" min=\"1\" max=\"366\" value=\""
       << request.due_within_days << "\"> days</label> <label>devices flagged after "
       << "<input type=\"number\" name=\"unseen_days\" min=\"1\" max=\"366\" value=\""
       << request.unseen_after_days << "\"> days unseen</label> "
       << "<button type=\"submit\">Show</button></form></header>\n";

  Table caseloads("caseloads", "Caseload per IRO", {"IRO", "Children", "Reviews overdue"});
  for (const CaseloadRow& row : board.caseloads) {
    caseloads.row(
        {html_escape(row.name), std::to_string(row.children), std::to_string(row.overdue_reviews)},
        row.overdue_reviews > 0);
  }
  body << caseloads.html();
  body << due_rows_html(
      "reviews",
      "Reviews overdue or due within " + std::to_string(request.due_within_days) + " days",
      board.reviews);
  body << due_rows_html("visits", "Pre-review visits overdue or due", board.visits);

  Table letters("letters", "Letters awaiting approval", {"Child", "Child id", "IRO"});
  for (const LetterRow& row : board.letters_awaiting_approval) {
    letters.row(
        {html_escape(row.child_name), html_escape(row.child_id), html_escape(row.iro_name)});
  }
  body << letters.html();

  Table challenges("challenges", "Open challenges",
                   {"Response due", "Child", "Child id", "Stage", "Category", "Status"});
  for (const ChallengeRow& row : board.open_challenges) {
    challenges.row({row.response_due ? due_text(*row.response_due, row.overdue) : "-",
                    html_escape(row.child_name), html_escape(row.child_id),
                    html_escape(row.stage.empty() ? "-" : row.stage), html_escape(row.category),
                    html_escape(row.status)},
                   row.overdue);
  }
  body << challenges.html();

  // Support staff read this table: no child, no record.
  Table devices("devices",
                "Device sync health (flagged after " + std::to_string(request.unseen_after_days) +
                    " days unseen)",
                {"Device", "User", "Last synced", "Days since", "Unsent on device",
                 "Waiting on server", "State"});
  for (const DeviceHealthRow& row : board.devices) {
    const std::string state = row.revoked ? "revoked"
                              : row.unseen_too_long
                                  ? "not seen for " + std::to_string(row.days_unseen) + " days"
                                  : "ok";
    devices.row({html_escape(row.device_id), html_escape(row.user_name),
                 Date::from_unix_ms(row.last_seen_ms).to_string(), std::to_string(row.days_unseen),
                 std::to_string(row.unsent_changes), std::to_string(row.changes_waiting),
                 html_escape(state)},
                row.unseen_too_long && !row.revoked);
  }
  body << devices.html();
  if (!board.children_without_dates.empty()) {
    body << "<p class=\"overdue\">No review dates for " << board.children_without_dates.size()
         << " children: their records lack the day care began.</p>\n";
  }
  return page(request.tenant + " dashboard", body.str());
}

std::string annual_report_page(const AnnualReport& report, std::string_view csv_link) {
  const AnnualReportPeriod& period = report.period;
  std::ostringstream body;
  body << "<header><h1>" << html_escape(period.tenant) << ": annual report, "
       << period.from.to_string() << " to " << period.to.to_string() << "</h1>"
       << "<nav><a href=\"/dashboard\">Dashboard</a><a id=\"csv-download\" href=\""
       << html_escape(csv_link) << "\" download>Download CSV</a></nav>"
       << "<form method=\"get\" action=\"/dashboard/annual-report\" id=\"period\">"
       << "<label>From <input type=\"date\" name=\"from\" value=\"" << period.from.to_string()
       << "\" required></label> <label>to <input type=\"date\" name=\"to\" value=\""
       << period.to.to_string() << "\" required></label> <button type=\"submit\">Show</button>"
       << "</form></header>\n";
  Table reviews("reviews", "Reviews", {"", "Count", "Share"});
  reviews.row({"Held", std::to_string(report.reviews_held), ""});
  reviews.row({"In timescale", std::to_string(report.reviews_in_timescale),
               percent_text(report.reviews_in_timescale, report.reviews_held)});
  body << reviews.html();
  for (const ReportTable& table : report.tables) {
    Table html(table.name, title_of(table.name), {"", "Count", "Share"});
    for (const ReportCount& row : table.rows) {
      html.row(
          {html_escape(row.item), std::to_string(row.count), percent_text(row.count, table.total)});
    }
    body << html.html();
  }
  return page(period.tenant + " annual report", body.str());
}

}  // namespace iro::server
