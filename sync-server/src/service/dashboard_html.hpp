// The managers' web pages as HTML text: the dashboard and the annual report
// of one council. Plain server-rendered pages, no script: they work in any
// browser a council allows, and print. Every value from a record is escaped.
#pragma once

#include <string>
#include <string_view>

#include "service/annual_report.hpp"
#include "service/dashboard.hpp"

namespace iro::server {

// `text` with &, <, >, " and ' as character references.
std::string html_escape(std::string_view text);

// The dashboard for `viewer` (the manager's name) of council `tenant`.
std::string dashboard_page(const Dashboard& board, const DashboardRequest& request,
                           std::string_view viewer);

// The annual report's tables, with a form to choose the period and a link
// to the same figures as CSV.
std::string annual_report_page(const AnnualReport& report, std::string_view csv_link);

// The sign-in form, filled in with what was typed (never the password), and
// the reason the last attempt failed, if any.
std::string login_page(std::string_view council, std::string_view login, std::string_view error);

// The form to change one's own password (the current one, the new one
// twice), with the reason the last attempt failed, if any, or word that the
// last one succeeded.
std::string password_page(std::string_view viewer, std::string_view error, bool changed = false);

}  // namespace iro::server
