#include "iro/form_template.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "iro/error.hpp"
#include "support/expect_error.hpp"
#include "support/text_checks.hpp"

namespace iro::test {
namespace {

// Questions of "review_13_plus" version 1: one of each type.
constexpr const char* kVersion1 = R"([
  {"id": "where_when", "type": "where_when", "prompt": "Where and when?"},
  {"id": "who_comes", "type": "people", "prompt": "Who would you like at your meeting?"},
  {"id": "home_scale", "type": "scale", "min": 0, "max": 10, "prompt": "How settled at home?"},
  {"id": "advocate", "type": "yes_no", "prompt": "Would you like an advocate?"},
  {"id": "take_part", "type": "choice", "options": ["come", "send my views"], "prompt": "How?"},
  {"id": "worries", "type": "free_text", "prompt": "What worries you?"},
  {"id": "not_talk_about", "type": "do_not_discuss", "prompt": "Anything you do NOT want talked about?"}
])";

// Version 2: "worries" became "worried_about", "advocate" is gone, "school" is new.
constexpr const char* kVersion2 = R"([
  {"id": "where_when", "type": "where_when", "prompt": "Where and when?"},
  {"id": "who_comes", "type": "people", "prompt": "Who would you like at your meeting?"},
  {"id": "home_scale", "type": "scale", "min": 0, "max": 10, "prompt": "How settled at home?"},
  {"id": "worried_about", "type": "free_text", "replaces": "worries", "prompt": "Anything worrying you?"},
  {"id": "school", "type": "free_text", "prompt": "How is school?"},
  {"id": "not_talk_about", "type": "do_not_discuss", "prompt": "Anything you do NOT want talked about?"}
])";

Document template_doc(const std::string& questions, std::int64_t version = 1) {
  Document document;
  document.id = "0190a000-0000-7000-8000-00000000000" + std::to_string(version);
  document.kind = Kind::form_template;
  document.fields = {{"family", std::string("review_13_plus")},
                     {"name", std::string("My review")},
                     {"age_variant", std::string("13_plus")},
                     {"version", version},
                     {"questions", questions}};
  return document;
}

Document consultation_with(const FieldMap& answers) {
  Document document;
  document.id = "0190a000-0000-7000-8000-0000000000c1";
  document.kind = Kind::consultation;
  document.child_id = "C1";
  document.fields = answers;
  return document;
}

// The message parse_form_template throws for these questions.
std::string parse_error(const std::string& questions) {
  try {
    parse_form_template(template_doc(questions));
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::invalid_input);
    return error.what();
  }
  FAIL("expected the template to be refused");
  return {};
}

std::string answer_error(const FormTemplate& form, const FieldMap& answers) {
  try {
    validate_answers(form, consultation_with(answers));
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::invalid_input);
    return error.what();
  }
  FAIL("expected the answers to be refused");
  return {};
}

}  // namespace

TEST_CASE("a form template reads its questions, family and version") {
  const FormTemplate form = parse_form_template(template_doc(kVersion1));
  CHECK(form.family == "review_13_plus");
  CHECK(form.version == 1);
  CHECK(form.age_variant == "13_plus");
  REQUIRE(form.questions.size() == 7);
  CHECK(form.questions[2].type == "scale");
  CHECK(form.questions[2].min == 0);
  CHECK(form.questions[2].max == 10);
  CHECK(form.find("take_part")->options.size() == 2);
  CHECK(form.find("nope") == nullptr);
}

TEST_CASE("a form template with bad questions is refused, naming the problem") {
  CHECK(contains(parse_error("[{"), "not JSON"));
  CHECK(contains(parse_error("[]"), "non-empty list"));
  CHECK(contains(parse_error(R"([{"id": "a", "type": "essay", "prompt": "p"}])"), "unknown type"));
  CHECK(contains(parse_error(R"([{"id": "a", "type": "free_text", "prompt": "p"},
                                  {"id": "a", "type": "free_text", "prompt": "q"}])"),
                 "used twice"));
  CHECK(contains(parse_error(R"([{"id": "Worries", "type": "free_text", "prompt": "p"}])"),
                 "not a question id"));
  CHECK(contains(parse_error(R"([{"id": ")" + std::string(49, 'a') +
                             R"(", "type": "free_text", "prompt": "p"}])"),
                 "not a question id"));
  CHECK(
      contains(parse_error(R"([{"id": "a", "type": "choice", "prompt": "p"}])"), "needs options"));
  CHECK(
      contains(parse_error(R"([{"id": "a", "type": "scale", "min": 5, "max": 5, "prompt": "p"}])"),
               "must be below max"));
  CHECK(contains(parse_error(R"([{"id": "a", "type": "free_text"}])"), "no prompt"));

  Document no_family = template_doc(kVersion1);
  no_family.fields.erase("family");
  CHECK(error_code_of([&] { parse_form_template(no_family); }) == ErrorCode::invalid_input);
  Document not_a_template = template_doc(kVersion1);
  not_a_template.kind = Kind::visit;
  CHECK(error_code_of([&] { parse_form_template(not_a_template); }) == ErrorCode::invalid_input);
}

TEST_CASE("answers must be questions of that template version and fit their type") {
  const FormTemplate form = parse_form_template(template_doc(kVersion1));
  validate_answers(form, consultation_with({{"answer.home_scale", std::string("0")},
                                            {"answer.advocate", std::string("yes")},
                                            {"answer.take_part", std::string("send my views")},
                                            {"answer.worries", std::string("moving school")},
                                            {"status", std::string("in_progress")}}));

  CHECK(answer_error(form, {{"answer.school", std::string("fine")}}) ==
        "consultation.answer.school: template review_13_plus v1 has no question school");
  CHECK(contains(answer_error(form, {{"answer.home_scale", std::string("11")}}), "0 to 10"));
  CHECK(contains(answer_error(form, {{"answer.home_scale", std::string("seven")}}), "0 to 10"));
  CHECK(contains(answer_error(form, {{"answer.home_scale", std::string("7.5")}}), "0 to 10"));
  CHECK(contains(answer_error(form, {{"answer.advocate", std::string("maybe")}}),
                 "\"yes\" or \"no\""));
  CHECK(contains(answer_error(form, {{"answer.take_part", std::string("chair it")}}), "one of"));
}

TEST_CASE("a consultation's template_version must be its template's") {
  Document consultation = consultation_with({{"template_version", std::int64_t{2}}});
  CHECK(error_code_of([&] { validate_consultation(consultation, template_doc(kVersion1)); }) ==
        ErrorCode::invalid_input);
  consultation.fields["template_version"] = std::int64_t{1};
  validate_consultation(consultation, template_doc(kVersion1));
}

TEST_CASE("the letter quotes answers in question order and never the do-not-discuss answer") {
  const FormTemplate form = parse_form_template(template_doc(kVersion1));
  const Document consultation =
      consultation_with({{"answer.worries", std::string("moving school")},
                         {"answer.not_talk_about", std::string("my dad's court case")},
                         {"answer.where_when", std::string("at school, after lunch")}});
  const std::vector<QuotedAnswer> quoted = answers_for_letter(form, consultation);
  REQUIRE(quoted.size() == 2);
  CHECK(quoted[0].prompt == "Where and when?");
  CHECK(quoted[0].answer == "at school, after lunch");
  CHECK(quoted[1].answer == "moving school");
  for (const QuotedAnswer& answer : quoted) {
    CHECK_FALSE(contains(answer.answer, "court case"));
    CHECK_FALSE(contains(answer.prompt, "NOT"));
  }
}

TEST_CASE("answers carried to a newer version keep everything") {
  const FormTemplate v1 = parse_form_template(template_doc(kVersion1));
  const FormTemplate v2 = parse_form_template(template_doc(kVersion2, 2));
  const Document consultation =
      consultation_with({{"answer.home_scale", std::string("6")},
                         {"answer.worries", std::string("moving school")},
                         {"answer.advocate", std::string("yes")},
                         {"answer.not_talk_about", std::string("court")}});
  const MappedAnswers mapped = map_answers(v1, v2, consultation);
  REQUIRE(mapped.mapped.size() == 3);
  CHECK(mapped.mapped[0].question_id == "home_scale");
  CHECK(mapped.mapped[1].question_id == "worried_about");  // replaces "worries"
  CHECK(mapped.mapped[1].answer == "moving school");
  CHECK(mapped.mapped[2].question_id == "not_talk_about");
  REQUIRE(mapped.unplaced.size() == 1);
  CHECK(mapped.unplaced[0].question_id == "advocate");
  CHECK(mapped.unplaced[0].answer == "yes");
  CHECK(mapped.unplaced[0].from_version == 1);
  CHECK(mapped.mapped.size() + mapped.unplaced.size() == 4);  // nothing dropped
}

}  // namespace iro::test
