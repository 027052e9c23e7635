#include "iro/validation.hpp"

#include <doctest/doctest.h>

#include "iro/error.hpp"

using namespace iro;

namespace {

// The message of the invalid_input error `action` throws ("" when it throws none).
template <typename Action>
std::string refusal(Action action) {
  try {
    action();
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::invalid_input);
    return error.what();
  }
  return "";
}

void check_value(Kind kind, std::string_view field, const Value& value) {
  const KindSchema& schema = schema_for(kind);
  validate_value(schema, field, require_field(schema, field, Writer::device_and_server), value);
}

Document review_on(const char* date, const char* code) {
  Document review;
  review.kind = Kind::review;
  review.fields = {{"date", *Date::parse(date)}, {"participation_code", std::string(code)}};
  return review;
}

}  // namespace

TEST_CASE("an unknown field is refused and the message lists the kind's fields") {
  const std::string message =
      refusal([] { check_value(Kind::visit, "colour", std::string("red")); });
  CHECK(message.starts_with("visit has no field \"colour\" (its fields: date, place,"));
}

TEST_CASE("fields the case system owns cannot be written from a device") {
  CHECK(refusal([] { check_value(Kind::child, "date_of_birth", *Date::parse("2015-01-01")); }) ==
        "child.date_of_birth: is set by the council's case system, not on a device");
  CHECK(refusal([] { check_value(Kind::child, "preferred_name", std::string("Millie")); }).empty());
}

TEST_CASE("a value of the wrong type is refused") {
  CHECK(refusal([] { check_value(Kind::visit, "date", std::string("2024-05-01")); }) ==
        "visit.date: expected a date, got text");
  CHECK(refusal([] { check_value(Kind::visit, "seen_alone", std::int64_t{1}); }) ==
        "visit.seen_alone: expected yes or no, got a number");
}

TEST_CASE("participation codes outside PN0-PN7 are refused") {
  CHECK(refusal([] { check_value(Kind::review, "participation_code", std::string("PN8")); }) ==
        "review.participation_code: \"PN8\" is not one of PN0, PN1, PN2, PN3, PN4, PN5, PN6, PN7");
  CHECK(refusal([] {
          check_value(Kind::review, "participation_code", std::string("pn1"));
        }).starts_with("review.participation_code: \"pn1\" is not one of"));
  CHECK(
      refusal([] { check_value(Kind::review, "participation_code", std::string("PN7")); }).empty());
}

TEST_CASE("a participation code must fit the child's age on the review date") {
  const ChildFacts born_2020{Date::parse("2020-05-01")};
  // Three on the review date: only PN0.
  CHECK(refusal([&] { validate_cross_field_rules(review_on("2024-04-30", "PN1"), born_2020); }) ==
        "review.participation_code: PN1 does not fit a child aged 3 on 2024-04-30 (under 4s are "
        "PN0)");
  CHECK(refusal([&] {
          validate_cross_field_rules(review_on("2024-04-30", "PN0"), born_2020);
        }).empty());
  // Four on their birthday: PN0 no longer fits.
  CHECK(refusal([&] { validate_cross_field_rules(review_on("2024-05-01", "PN0"), born_2020); }) ==
        "review.participation_code: PN0 is only for a child under 4; the child is 4 on 2024-05-01");
  CHECK(refusal([&] {
          validate_cross_field_rules(review_on("2024-05-01", "PN5"), born_2020);
        }).empty());
  // Without a date of birth the rule cannot be checked here; the server checks it.
  CHECK(refusal([&] { validate_cross_field_rules(review_on("2024-05-01", "PN0"), {}); }).empty());
}

TEST_CASE("a review cannot be dated before the child was born") {
  const ChildFacts born_2020{Date::parse("2020-05-01")};
  CHECK(refusal([&] { validate_cross_field_rules(review_on("2019-01-01", "PN0"), born_2020); }) ==
        "review.date: 2019-01-01 is before the child's date of birth 2020-05-01");
}

TEST_CASE("text over the limit is refused, with the sizes in the message") {
  const std::string long_note(kMaxTextBytes + 1, 'a');
  CHECK(refusal([&] { check_value(Kind::visit, "note", long_note); }) ==
        "visit.note: text is 65537 bytes; the limit is 65536");
  CHECK(
      refusal([&] { check_value(Kind::visit, "note", std::string(kMaxTextBytes, 'a')); }).empty());
  CHECK(refusal([] { check_value(Kind::visit, "place", std::string(201, 'x')); }) ==
        "visit.place: text is 201 bytes; the limit is 200");
}

TEST_CASE("text must be valid UTF-8 without control characters and lines have no line breaks") {
  CHECK(refusal([] { check_value(Kind::visit, "note", std::string("caf\xc3")); }) ==
        "visit.note: text is not valid UTF-8");
  CHECK(refusal([] { check_value(Kind::visit, "note", std::string("a\x01z")); }) ==
        "visit.note: text holds control characters");
  CHECK(refusal([] {
          check_value(Kind::visit, "note", std::string("line one\nline two\t"));
        }).empty());
  CHECK(refusal([] { check_value(Kind::visit, "place", std::string("one\ntwo")); }) ==
        "visit.place: must be a single line");
  CHECK(refusal([] { check_value(Kind::visit, "note", std::string("Zoë said “yes” 👍")); }).empty());
}

TEST_CASE("sets are bounded, sorted, distinct and hold no empty members") {
  CHECK(refusal([] {
          check_value(Kind::review, "attendees", StringSet{"carer", "social worker"});
        }).empty());
  CHECK(refusal([] {
          check_value(Kind::review, "attendees", StringSet{"b", "a"});
        }) == "review.attendees: members must be sorted and distinct");
  CHECK(refusal([] { check_value(Kind::review, "attendees", StringSet{""}); }) ==
        "review.attendees: a member is empty");
  StringSet crowd;
  for (int i = 0; i < 101; ++i) crowd.push_back("person " + std::to_string(1000 + i));
  CHECK(refusal([&] { check_value(Kind::review, "attendees", crowd); }) ==
        "review.attendees: 101 members; the limit is 100");
}

TEST_CASE("integers stay in range and references are document ids") {
  CHECK(refusal([] { check_value(Kind::review, "part", std::int64_t{10}); }) ==
        "review.part: 10 is outside 1-9");
  CHECK(refusal([] { check_value(Kind::letter, "review_id", std::string("review-1")); }) ==
        "letter.review_id: \"review-1\" is not a document id");
}

TEST_CASE("answer fields form a family named by question id") {
  CHECK(refusal([] {
          check_value(Kind::consultation, "answer.worries", std::string("none"));
        }).empty());
  CHECK(refusal([] {
          check_value(Kind::consultation, "answer.", std::string("x"));
        }).starts_with("consultation has no field \"answer.\""));
  CHECK(refusal([] {
          check_value(Kind::consultation, "answer.Bad-Id", std::string("x"));
        }).starts_with("consultation has no field"));
}

TEST_CASE("a status only moves forward and cannot be cleared") {
  const KindSchema& letter = schema_for(Kind::letter);
  const FieldSpec& status = *letter.find("status");
  CHECK(refusal([&] {
          validate_status_step(letter, status, std::string("approved"), std::string("draft"));
        }) ==
        "letter.status: cannot move back from approved to draft (a status only moves forward)");
  CHECK(refusal([&] {
          validate_status_step(letter, status, std::string("draft"), std::string("issued"));
        }).empty());
  CHECK(refusal([&] { validate_status_step(letter, status, std::string("draft"), Value{}); }) ==
        "letter.status: a status cannot be cleared");
}

TEST_CASE("finalising a review needs its date and participation code and a letter needs a body") {
  Document review;
  review.kind = Kind::review;
  review.fields = {{"status", std::string("finalised")}, {"date", *Date::parse("2024-05-01")}};
  CHECK(refusal([&] { validate_cross_field_rules(review, {}); }) ==
        "review.status: a review needs a date and a participation code to be finalised");

  Document letter;
  letter.kind = Kind::letter;
  letter.fields = {{"status", std::string("submitted")}};
  CHECK(refusal([&] { validate_cross_field_rules(letter, {}); }) ==
        "letter.status: a letter with no body cannot be submitted");
}
