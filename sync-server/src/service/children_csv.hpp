// Reading the children export of a council's case system (Mosaic, LCS):
// CSV with a header row, columns by name (`admin import-children`).
// Every bad row is reported by its line number; the good rows are kept.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "iro/document.hpp"

namespace iro::server {

struct ChildRecordRow {
  std::size_t line = 0;
  std::string child_id;
  FieldMap fields;  // validated child record fields
};

struct CsvProblem {
  std::size_t line = 0;  // 1 is the header
  std::string reason;
};

struct ParsedChildren {
  std::vector<ChildRecordRow> rows;
  std::vector<CsvProblem> problems;  // refused rows, and notes on the header
};

// Required columns: child_id, first_name, last_name, date_of_birth,
// looked_after_since, legal_status. Optional: preferred_name, pronouns.
// Other columns are ignored with a note. A missing required column refuses
// the whole file (Error(invalid_input)); anything wrong in a row refuses that row.
// `today` bounds dates: nobody is born, or looked after, in the future.
ParsedChildren parse_children_csv(std::string_view csv, Date today);

// Splits CSV text into records of fields (RFC 4180: quotes, doubled quotes,
// commas and line breaks inside quotes; CRLF or LF). Each record keeps the
// line it starts on. Throws Error(invalid_input) for an unterminated quote.
struct CsvRecord {
  std::size_t line = 0;
  std::vector<std::string> fields;
};
std::vector<CsvRecord> split_csv(std::string_view csv);

}  // namespace iro::server
