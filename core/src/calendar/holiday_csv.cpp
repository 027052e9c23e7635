#include "calendar/holiday_csv.hpp"

#include <set>
#include <string>

#include "iro/error.hpp"

namespace iro::detail {
namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

bool equals_ignoring_case(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i] >= 'A' && text[i] <= 'Z' ? char(text[i] - 'A' + 'a') : text[i];
    if (c != lower[i]) return false;
  }
  return true;
}

// A CSV field that may be quoted ("Name, with comma", "" for a quote).
std::string unquote(std::string_view field) {
  if (field.size() < 2 || field.front() != '"' || field.back() != '"') return std::string(field);
  std::string text;
  field = field.substr(1, field.size() - 2);
  for (std::size_t i = 0; i < field.size(); ++i) {
    text += field[i];
    if (field[i] == '"' && i + 1 < field.size() && field[i + 1] == '"') ++i;
  }
  return text;
}

Error line_error(std::string_view source_name, std::size_t line, const std::string& what) {
  return Error(ErrorCode::invalid_input,
               std::string(source_name) + " line " + std::to_string(line) + ": " + what);
}

}  // namespace

std::vector<BankHoliday> read_holiday_csv(std::string_view csv, std::string_view source_name) {
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";  // spreadsheets add one
  if (csv.starts_with(kByteOrderMark)) csv.remove_prefix(kByteOrderMark.size());

  std::vector<BankHoliday> holidays;
  std::set<Date> seen;
  bool header_read = false;
  std::size_t line_number = 0;
  while (!csv.empty()) {
    const auto end = csv.find('\n');
    std::string_view line = csv.substr(0, end);
    csv.remove_prefix(end == std::string_view::npos ? csv.size() : end + 1);
    ++line_number;
    if (line.ends_with('\r')) line.remove_suffix(1);
    line = trim(line);
    if (line.empty() || line.starts_with('#')) continue;

    const auto comma = line.find(',');
    const std::string_view first = trim(line.substr(0, comma));
    const std::string_view rest =
        comma == std::string_view::npos ? std::string_view() : trim(line.substr(comma + 1));
    if (!header_read) {
      if (!equals_ignoring_case(first, "date")) {
        throw line_error(source_name, line_number,
                         "expected the header row \"date,name\" (GOV.UK's bank holiday CSV)");
      }
      header_read = true;
      continue;
    }
    const auto date = Date::parse(first);
    if (!date) {
      throw line_error(
          source_name, line_number,
          "\"" + std::string(first.substr(0, 40)) + "\" is not a date (expected YYYY-MM-DD,name)");
    }
    if (!seen.insert(*date).second) {
      throw line_error(source_name, line_number, date->to_string() + " is listed twice");
    }
    std::string name = unquote(rest);
    holidays.push_back({*date, name.empty() ? "Bank holiday" : std::move(name)});
  }
  if (holidays.empty()) {
    throw Error(ErrorCode::invalid_input, std::string(source_name) +
                                              ": no bank holidays in the file (expected a header "
                                              "row \"date,name\" and one row per holiday)");
  }
  return holidays;
}

}  // namespace iro::detail
