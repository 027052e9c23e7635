// Reading a council's children export (`iro-server admin import-children`): every
// bad row reported by its line number, the good rows kept; then importing
// the rows into a server store.
#include "service/children_csv.hpp"

#include <doctest/doctest.h>

#include <string>

#include "iro/error.hpp"
#include "server/server_fixture.hpp"
#include "service/caseload.hpp"

using namespace iro;
using namespace iro::server;

namespace {

const Date kToday = Date::from_ymd(2024, 5, 1);

constexpr std::string_view kHeader =
    "child_id,first_name,last_name,preferred_name,pronouns,date_of_birth,looked_after_since,"
    "legal_status\n";

constexpr std::string_view kGoodRows =
    "C100,Amira,Khan,,she/her,2012-03-14,2020-09-01,C2\n"
    "C101,Tom,Jones,Tommy,he/him,2016-11-30,2023-01-15,V2\n"
    "C102,Lee,Smith,,,2023-02-28,2023-03-01,C1\n";

std::string with_header(std::string_view rows) {
  return std::string(kHeader) + std::string(rows);
}

std::string replaced(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

const ChildRecordRow* find_row(const ParsedChildren& parsed, std::string_view child_id) {
  for (const ChildRecordRow& row : parsed.rows) {
    if (row.child_id == child_id) return &row;
  }
  return nullptr;
}

ErrorCode parse_error(std::string_view csv) {
  try {
    parse_children_csv(csv, kToday);
  } catch (const Error& error) {
    return error.code();
  }
  FAIL("expected the whole file to be refused");
  return ErrorCode::internal;
}

}  // namespace

TEST_CASE("a good children file imports every row with typed fields") {
  const ParsedChildren parsed = parse_children_csv(with_header(kGoodRows), kToday);
  CHECK(parsed.problems.empty());
  REQUIRE(parsed.rows.size() == 3);
  CHECK(parsed.rows[0].child_id == "C100");
  CHECK(parsed.rows[0].line == 2);
  CHECK(parsed.rows[2].line == 4);

  const ChildRecordRow& amira = parsed.rows[0];
  CHECK(amira.fields.at("first_name") == Value{std::string("Amira")});
  CHECK(amira.fields.at("date_of_birth") == Value{Date::from_ymd(2012, 3, 14)});
  CHECK(amira.fields.at("legal_status") == Value{std::string("C2")});
  CHECK_FALSE(amira.fields.contains("preferred_name"));  // empty optional columns are unset
  CHECK_FALSE(amira.fields.contains("child_id"));        // the id is the record's key, not a field
  CHECK(parsed.rows[1].fields.at("preferred_name") == Value{std::string("Tommy")});
}

TEST_CASE("bad rows are reported by line number and the good rows are kept") {
  struct Row {
    const char* rule;
    const char* row;
    const char* reason;  // words the report must hold
  };
  const Row bad[] = {
      {"a date that is not a date", "C200,Ann,Bell,,,2012-02-30,2020-01-01,C2\n", "date_of_birth"},
      {"a date of birth in the future", "C201,Ann,Bell,,,2030-01-01,2024-01-01,C2\n",
       "date_of_birth 2030-01-01 is in the future"},
      {"a missing child_id", ",Ann,Bell,,,2012-02-01,2020-01-01,C2\n", "child_id"},
      {"an unknown legal status", "C203,Ann,Bell,,,2012-02-01,2020-01-01,Z9\n", "legal_status"},
      {"too few fields", "C204,Ann,Bell,2012-02-01,2020-01-01,C2\n", "has 6 columns"},
      {"too many fields", "C205,Ann,Bell,,,2012-02-01,2020-01-01,C2,extra\n", "has 9 columns"},
      {"looked after before birth", "C206,Ann,Bell,,,2012-02-01,2011-01-01,C2\n",
       "before date_of_birth"},
  };
  for (const Row& row : bad) {
    CAPTURE(row.rule);
    // The bad row sits between good ones, on line 3.
    const std::string csv =
        with_header(std::string("C100,Amira,Khan,,,2012-03-14,2020-09-01,C2\n") + row.row +
                    "C101,Tom,Jones,,,2016-11-30,2023-01-15,V2\n");
    const ParsedChildren parsed = parse_children_csv(csv, kToday);
    REQUIRE(parsed.problems.size() == 1);
    CHECK(parsed.problems[0].line == 3);
    CHECK_MESSAGE(parsed.problems[0].reason.find(row.reason) != std::string::npos,
                  parsed.problems[0].reason);
    REQUIRE(parsed.rows.size() == 2);
    CHECK(parsed.rows[0].child_id == "C100");
    CHECK(parsed.rows[1].child_id == "C101");
    CHECK(parsed.rows[1].line == 4);
  }
}

TEST_CASE("a child id that appears twice keeps the first row and reports the second") {
  const ParsedChildren parsed = parse_children_csv(
      with_header(std::string(kGoodRows) + "C100,Amira,Khan-Twice,,,2012-03-14,2020-09-01,C2\n"),
      kToday);
  REQUIRE(parsed.problems.size() == 1);
  CHECK(parsed.problems[0].line == 5);
  CHECK(parsed.problems[0].reason.find("appears earlier") != std::string::npos);
  CHECK(find_row(parsed, "C100")->fields.at("last_name") == Value{std::string("Khan")});
}

TEST_CASE("quoted fields may hold commas and doubled quotes and line breaks") {
  const std::string csv = with_header(
      "C300,\"Mary, Jane\",\"O\"\"Neill\",,,2012-03-14,2020-09-01,C2\n"
      "C301,\"Two\nLines\",Bell,,,2012-03-14,2020-09-01,C2\n"
      "C302,Tom,Jones,\"\"\"TJ\"\"\",,2016-11-30,2023-01-15,V2\n");
  const ParsedChildren parsed = parse_children_csv(csv, kToday);

  const ChildRecordRow* mary = find_row(parsed, "C300");
  REQUIRE(mary != nullptr);
  CHECK(mary->fields.at("first_name") == Value{std::string("Mary, Jane")});
  CHECK(mary->fields.at("last_name") == Value{std::string("O\"Neill")});

  // A name is one line: the row that starts on line 3 is refused, and the
  // next row is still counted from the right line.
  REQUIRE(parsed.problems.size() == 1);
  CHECK(parsed.problems[0].line == 3);
  CHECK(parsed.problems[0].reason.find("single line") != std::string::npos);
  const ChildRecordRow* tom = find_row(parsed, "C302");
  REQUIRE(tom != nullptr);
  CHECK(tom->line == 5);
  CHECK(tom->fields.at("preferred_name") == Value{std::string("\"TJ\"")});
}

TEST_CASE("split_csv keeps the line each record starts on across quoted line breaks") {
  const auto records = split_csv("a,\"b\nc\",d\r\n\"e\"\"\",f\n\ng,\"\"\n");
  REQUIRE(records.size() == 4);
  CHECK(records[0].line == 1);
  CHECK(records[0].fields == std::vector<std::string>{"a", "b\nc", "d"});
  CHECK(records[1].line == 3);
  CHECK(records[1].fields == std::vector<std::string>{"e\"", "f"});
  CHECK(records[2].line == 4);
  CHECK(records[2].fields == std::vector<std::string>{""});
  CHECK(records[3].line == 5);
  CHECK(records[3].fields == std::vector<std::string>{"g", ""});
}

TEST_CASE("split_csv refuses a quote that is never closed") {
  CHECK_THROWS_AS(split_csv("a,\"b\nc,d\n"), Error);
}

TEST_CASE("a file with CRLF line ends reads as the same file with LF") {
  std::string crlf;
  for (const char c : with_header(kGoodRows)) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  const ParsedChildren from_crlf = parse_children_csv(crlf, kToday);
  const ParsedChildren from_lf = parse_children_csv(with_header(kGoodRows), kToday);
  CHECK(from_crlf.problems.empty());
  REQUIRE(from_crlf.rows.size() == from_lf.rows.size());
  for (std::size_t i = 0; i < from_lf.rows.size(); ++i) {
    CHECK(from_crlf.rows[i].child_id == from_lf.rows[i].child_id);
    CHECK(from_crlf.rows[i].line == from_lf.rows[i].line);
    CHECK(from_crlf.rows[i].fields == from_lf.rows[i].fields);
  }
}

TEST_CASE("a file missing a required column is refused whole") {
  for (const char* column : {"child_id,", "first_name,", "date_of_birth,", ",legal_status"}) {
    CAPTURE(column);
    // Drop the column from the header only: the whole file is refused before any row is read.
    CHECK(parse_error(replaced(with_header(kGoodRows), column, "")) == ErrorCode::invalid_input);
  }
  CHECK(parse_error("") == ErrorCode::invalid_input);
}

TEST_CASE("a file without the optional columns is accepted") {
  const ParsedChildren parsed = parse_children_csv(
      "child_id,first_name,last_name,date_of_birth,looked_after_since,legal_status\n"
      "C100,Amira,Khan,2012-03-14,2020-09-01,C2\n",
      kToday);
  CHECK(parsed.problems.empty());
  CHECK(parsed.rows.size() == 1);
}

TEST_CASE("unknown extra columns are noted on the header line and ignored") {
  std::string with_school = "school,";
  with_school += kHeader;
  for (const char* row : {"Hill Top,C100,Amira,Khan,,,2012-03-14,2020-09-01,C2\n",
                          "Valley,C101,Tom,Jones,,,2016-11-30,2023-01-15,V2\n"}) {
    with_school += row;
  }
  const ParsedChildren parsed = parse_children_csv(with_school, kToday);
  REQUIRE(parsed.problems.size() == 1);
  CHECK(parsed.problems[0].line == 1);
  CHECK(parsed.problems[0].reason.find("\"school\" is not used") != std::string::npos);
  REQUIRE(parsed.rows.size() == 2);
  CHECK_FALSE(parsed.rows[0].fields.contains("school"));
  CHECK(parsed.rows[0].fields.at("first_name") == Value{std::string("Amira")});
}

TEST_CASE("importing the same file again changes nothing and one changed name changes one child") {
  iro::test::ServerFixture server;
  server.add_tenant("shire");
  const auto import = [&](const std::string& csv) {
    const ParsedChildren parsed = parse_children_csv(csv, kToday);
    REQUIRE(parsed.problems.empty());
    std::size_t changed = 0;
    server.write_with_clock([&](StoreTxn& txn, TxnClock& clock) {
      changed = import_children(txn, "shire", parsed.rows, clock, server.ids);
    });
    return changed;
  };
  const std::string file = with_header(kGoodRows);
  CHECK(import(file) == 3);
  const std::uint64_t head = server.head_seq();

  CHECK(import(file) == 0);
  CHECK(server.head_seq() == head);  // nothing for devices to pull

  CHECK(import(replaced(file, "Tommy", "Tom-Tom")) == 1);
  CHECK(server.head_seq() == head + 1);  // just the one field

  std::optional<DocumentRow> record;
  std::optional<FieldRow> preferred;
  server.store->read([&](StoreTxn& txn) {
    record = txn.child_record("shire", "C101");
    if (record) preferred = txn.field("shire", record->id, "preferred_name");
  });
  REQUIRE(preferred.has_value());
  CHECK(preferred->value == Value{std::string("Tom-Tom")});
  CHECK(preferred->device_id == kServerAuthor);

  // An optional column left empty clears what the earlier import set.
  CHECK(import(replaced(file, "Tommy", "")) == 1);
  server.store->read(
      [&](StoreTxn& txn) { preferred = txn.field("shire", record->id, "preferred_name"); });
  CHECK(is_unset(preferred->value));
}
