#include "service/children_csv.hpp"

#include <array>
#include <map>
#include <optional>
#include <set>

#include "iro/error.hpp"
#include "iro/json.hpp"
#include "iro/validation.hpp"

namespace iro::server {
namespace {

constexpr std::array<std::string_view, 6> kRequired = {
    "child_id", "first_name", "last_name", "date_of_birth", "looked_after_since", "legal_status"};
constexpr std::array<std::string_view, 2> kOptional = {"preferred_name", "pronouns"};

bool is_blank(const CsvRecord& record) {
  return record.fields.size() == 1 &&
         record.fields[0].find_first_not_of(" \t") == std::string::npos;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// Validates one data row into a child record; the reason when it is refused.
std::variant<ChildRecordRow, std::string> read_row(
    const CsvRecord& record, const std::map<std::string, std::size_t, std::less<>>& columns,
    std::size_t column_count, Date today) {
  if (record.fields.size() != column_count) {
    return "has " + std::to_string(record.fields.size()) + " columns; the header has " +
           std::to_string(column_count);
  }
  ChildRecordRow row;
  row.line = record.line;
  row.child_id = trimmed(record.fields[columns.at("child_id")]);
  if (!is_valid_child_id(row.child_id)) {
    return "child_id \"" + row.child_id.substr(0, 64) +
           "\" is not valid (1-64 letters, digits, '-', '_' or '.')";
  }
  const KindSchema& schema = schema_for(Kind::child);
  try {
    for (const auto& [name, index] : columns) {
      if (name == "child_id") continue;
      const std::string text = trimmed(record.fields[index]);
      const FieldSpec& spec = require_field(schema, name, Writer::server_only);
      const Value value = value_from_text(schema, name, spec, text);
      if (is_unset(value)) {
        const bool optional =
            std::find(kOptional.begin(), kOptional.end(), name) != kOptional.end();
        if (!optional) return name + " is empty";
        continue;
      }
      validate_value(schema, name, spec, value);
      row.fields.emplace(name, value);
    }
  } catch (const Error& error) {
    // "child.date_of_birth: ..." reads better in a file report as "date_of_birth: ...".
    std::string message = error.what();
    if (message.starts_with("child.")) message.erase(0, 6);
    return message;
  }
  const Date born = std::get<Date>(row.fields.at("date_of_birth"));
  const Date looked_after = std::get<Date>(row.fields.at("looked_after_since"));
  if (today < born) return "date_of_birth " + born.to_string() + " is in the future";
  if (today < looked_after) {
    return "looked_after_since " + looked_after.to_string() + " is in the future";
  }
  if (looked_after < born) {
    return "looked_after_since " + looked_after.to_string() + " is before date_of_birth " +
           born.to_string();
  }
  return row;
}

}  // namespace

std::vector<CsvRecord> split_csv(std::string_view csv) {
  std::vector<CsvRecord> records;
  CsvRecord record{1, {std::string()}};
  std::size_t line = 1;
  bool quoted = false;
  bool any = false;
  for (std::size_t i = 0; i < csv.size(); ++i) {
    const char c = csv[i];
    any = true;
    if (quoted) {
      if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
        record.fields.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        record.fields.back().push_back(c);
      }
      continue;
    }
    if (c == '"' && record.fields.back().empty()) {
      quoted = true;
    } else if (c == ',') {
      record.fields.emplace_back();
    } else if (c == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n') {
      continue;
    } else if (c == '\n') {
      records.push_back(std::move(record));
      ++line;
      record = CsvRecord{line, {std::string()}};
      any = false;
    } else {
      record.fields.back().push_back(c);
    }
  }
  if (quoted) {
    throw Error(ErrorCode::invalid_input,
                "line " + std::to_string(record.line) + ": a quoted field is never closed");
  }
  if (any) records.push_back(std::move(record));
  return records;
}

ParsedChildren parse_children_csv(std::string_view csv, Date today) {
  if (csv.starts_with("\xEF\xBB\xBF")) csv.remove_prefix(3);  // Excel's UTF-8 byte order mark
  const std::vector<CsvRecord> records = split_csv(csv);
  if (records.empty()) throw Error(ErrorCode::invalid_input, "the file is empty");

  ParsedChildren parsed;
  std::map<std::string, std::size_t, std::less<>> columns;
  const CsvRecord& header = records.front();
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string name = trimmed(header.fields[i]);
    const bool known = std::find(kRequired.begin(), kRequired.end(), name) != kRequired.end() ||
                       std::find(kOptional.begin(), kOptional.end(), name) != kOptional.end();
    if (!known) {
      parsed.problems.push_back({1, "column \"" + name.substr(0, 40) + "\" is not used; ignored"});
    } else if (!columns.emplace(name, i).second) {
      throw Error(ErrorCode::invalid_input, "line 1: column " + name + " appears twice");
    }
  }
  for (const std::string_view required : kRequired) {
    if (!columns.contains(required)) {
      throw Error(ErrorCode::invalid_input,
                  "line 1: the header has no " + std::string(required) + " column");
    }
  }

  std::set<std::string> seen;
  for (std::size_t i = 1; i < records.size(); ++i) {
    if (is_blank(records[i])) continue;
    auto row = read_row(records[i], columns, header.fields.size(), today);
    if (auto* reason = std::get_if<std::string>(&row)) {
      parsed.problems.push_back({records[i].line, *reason});
      continue;
    }
    auto& child = std::get<ChildRecordRow>(row);
    if (!seen.insert(child.child_id).second) {
      parsed.problems.push_back(
          {child.line, "child_id " + child.child_id + " appears earlier in the file"});
      continue;
    }
    parsed.rows.push_back(std::move(child));
  }
  return parsed;
}

}  // namespace iro::server
