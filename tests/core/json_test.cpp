#include "iro/json.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "iro/error.hpp"

using namespace iro;
using nlohmann::json;

namespace {

Value from_json(Kind kind, std::string_view field, const json& input) {
  const KindSchema& schema = schema_for(kind);
  return value_from_json(schema, field, *schema.find(field), input);
}

Value from_text(Kind kind, std::string_view field, std::string_view text) {
  const KindSchema& schema = schema_for(kind);
  return value_from_text(schema, field, *schema.find(field), text);
}

}  // namespace

TEST_CASE("values read from JSON by the field's type") {
  CHECK(from_json(Kind::visit, "date", "2024-05-01") == Value{*Date::parse("2024-05-01")});
  CHECK(from_json(Kind::visit, "seen_alone", true) == Value{true});
  CHECK(from_json(Kind::review, "part", 2) == Value{std::int64_t{2}});
  CHECK(from_json(Kind::review, "attendees", json::array({"teacher", "carer", "carer"})) ==
        Value{StringSet{"carer", "teacher"}});
  CHECK(from_json(Kind::visit, "note", nullptr) == Value{});

  CHECK_THROWS_WITH_AS(from_json(Kind::visit, "date", "2024-02-30"),
                       "visit.date: \"2024-02-30\" is not a date (expected YYYY-MM-DD)", Error);
  CHECK_THROWS_WITH(from_json(Kind::visit, "date", 20240501),
                    "visit.date: expected a date as \"YYYY-MM-DD\"");
  CHECK_THROWS_WITH(from_json(Kind::review, "part", 1.5), "review.part: expected a whole number");
  CHECK_THROWS_WITH(from_json(Kind::visit, "note", 5), "visit.note: expected text");
  CHECK_THROWS_WITH(from_json(Kind::review, "attendees", json::array({1})),
                    "review.attendees: expected a list of text");
}

TEST_CASE("values read from command-line text by the field's type") {
  CHECK(from_text(Kind::visit, "seen_alone", "yes") == Value{true});
  CHECK(from_text(Kind::visit, "seen_alone", "false") == Value{false});
  CHECK(from_text(Kind::review, "attendees", " carer, teacher ,,carer") ==
        Value{StringSet{"carer", "teacher"}});
  CHECK(from_text(Kind::visit, "note", "") == Value{});
  CHECK_THROWS_WITH(from_text(Kind::visit, "seen_alone", "maybe"),
                    "visit.seen_alone: expected yes or no");
  CHECK_THROWS_WITH(from_text(Kind::review, "part", "2x"),
                    "review.part: \"2x\" is not a whole number");
  CHECK_THROWS_WITH(from_text(Kind::visit, "date", "1/5/2024"),
                    "visit.date: \"1/5/2024\" is not a date (expected YYYY-MM-DD)");
}

TEST_CASE("export is canonical: sorted by id, sorted keys, conflicts only when present") {
  Document later;
  later.id = "01890a5d-ac96-774b-bcce-b302099a8058";
  later.kind = Kind::visit;
  later.child_id = "C2";
  later.fields = {{"note", std::string("Seen at school")}, {"date", *Date::parse("2024-05-01")}};
  Document earlier = later;
  earlier.id = "01890a5d-ac96-774b-bcce-b302099a8057";
  earlier.deleted = true;
  earlier.conflicts = {
      Conflict{"note#9", "note", std::string("Seen at home"), "D2", Hlc::from_parts(1000, 0)},
      Conflict{"note#12", "note", std::string("Seen at the park"), "D3", Hlc::from_parts(900, 0)}};

  const std::string exported = export_json({later, earlier});
  CHECK(exported == export_json({earlier, later}));
  const json parsed = json::parse(exported);
  REQUIRE(parsed.size() == 2);
  CHECK(parsed[0]["id"] == earlier.id);
  CHECK(parsed[0]["deleted"] == true);
  // Conflicts in slot order, whatever order the store gave them in.
  CHECK(parsed[0]["conflicts"][0]["id"] == "note#12");
  CHECK(parsed[0]["conflicts"][1]["value"] == "Seen at home");
  CHECK(parsed[0]["conflicts"][1]["field"] == "note");
  CHECK(parsed[0]["conflicts"][1]["device_id"] == "D2");
  CHECK_FALSE(parsed[1].contains("conflicts"));
  CHECK(parsed[1]["fields"] == json({{"date", "2024-05-01"}, {"note", "Seen at school"}}));
  // Keys appear in sorted order in the text itself.
  CHECK(exported.find("\"child_id\"") < exported.find("\"deleted\""));
  CHECK(exported.find("\"deleted\"") < exported.find("\"fields\""));
  CHECK(exported.back() == '\n');
  CHECK(export_json({}) == "[]\n");
}
