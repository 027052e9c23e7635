#include "iro/child_mode.hpp"

#include <doctest/doctest.h>

#include <array>
#include <string>
#include <vector>

#include "iro/error.hpp"
#include "iro/store.hpp"
#include "support/device_fixture.hpp"
#include "support/expect_error.hpp"

namespace iro::test {
namespace {

constexpr const char* kTemplateId = "0190a000-0000-7000-8000-0000000000f1";
constexpr const char* kChildRecordId = "0190a000-0000-7000-8000-0000000000a1";

constexpr const char* kQuestions = R"([
  {"id": "feel_at_home", "type": "scale", "min": 0, "max": 10, "picture": "faces", "prompt": "How do you feel at home?"},
  {"id": "who_comes", "type": "people", "prompt": "Who would you like at your meeting?"},
  {"id": "not_talk_about", "type": "do_not_discuss", "prompt": "Anything you do NOT want talked about?"}
])";

ChangeEntry server_field(const std::string& doc_id, Kind kind, const std::string& child_id,
                         const std::string& field, Value value, std::uint64_t seq) {
  ChangeEntry entry = from_other_device(doc_id, child_id, field, std::move(value), seq);
  entry.change.kind = kind;
  entry.change.device_id = "server";
  return entry;
}

// The device pulled the council's under-8 template (v1) and child C1, who
// asked to be called Kit.
struct ChildModeFixture : DeviceFixture {
  ChildModeFixture() {
    const std::vector<ChangeEntry> entries = {
        server_field(kTemplateId, Kind::form_template, "", "family", std::string("review_under_8"),
                     1),
        server_field(kTemplateId, Kind::form_template, "", "name", std::string("My review"), 2),
        server_field(kTemplateId, Kind::form_template, "", "age_variant", std::string("under_8"),
                     3),
        server_field(kTemplateId, Kind::form_template, "", "version", std::int64_t{1}, 4),
        server_field(kTemplateId, Kind::form_template, "", "questions", std::string(kQuestions), 5),
        server_field(kChildRecordId, Kind::child, "C1", "first_name", std::string("Christopher"),
                     6),
        server_field(kChildRecordId, Kind::child, "C1", "preferred_name", std::string("Kit"), 7),
    };
    store->apply_changes(entries, 7);
  }
};

}  // namespace

TEST_CASE_FIXTURE(ChildModeFixture, "child mode shows the child's name, the form and the answers") {
  const std::string id = start_consultation(*store, "C1", kTemplateId, {"carer", ""});
  ChildModeSession session(*store, id);
  CHECK(session.child_name() == "Kit");
  CHECK(session.form().family == "review_under_8");
  REQUIRE(session.form().questions.size() == 3);
  CHECK(session.form().questions[0].picture == "faces");
  CHECK(session.answers().empty());

  session.answer("feel_at_home", "8");
  session.answer("who_comes", "Nan and my carer");
  CHECK(session.answers() == std::map<std::string, std::string>{{"feel_at_home", "8"},
                                                                {"who_comes", "Nan and my carer"}});
  session.answer("who_comes", "");  // cleared
  CHECK(session.answers().size() == 1);

  const auto consultation = store->get(id);
  REQUIRE(consultation.has_value());
  CHECK(std::get<std::int64_t>(*consultation->field("template_version")) == 1);
  CHECK(std::get<std::string>(*consultation->field("age_variant")) == "under_8");
  CHECK(std::get<std::string>(*consultation->field("helped_by")) == "carer");

  const std::array<std::uint8_t, 4> drawing = {0x89, 'P', 'N', 'G'};
  const std::string hash = session.attach(drawing);
  CHECK(hash.size() == 64);
  const auto with_drawing = store->get(id);
  REQUIRE(with_drawing.has_value());
  CHECK(std::get<StringSet>(*with_drawing->field("attachments")) == StringSet{hash});

  session.finish();
  CHECK(session.finished());
  CHECK(text_of(*store, id, "status") == "completed");
}

TEST_CASE_FIXTURE(ChildModeFixture,
                  "child mode refuses questions the form lacks and answers after finishing") {
  const std::string id = start_consultation(*store, "C1", kTemplateId);
  ChildModeSession session(*store, id);
  CHECK(error_code_of([&] { session.answer("school", "fine"); }) == ErrorCode::invalid_input);
  CHECK(error_code_of([&] { session.answer("feel_at_home", "11"); }) == ErrorCode::invalid_input);
  CHECK(session.answers().empty());

  session.answer("feel_at_home", "3");
  session.finish();
  CHECK(error_code_of([&] { session.answer("feel_at_home", "9"); }) == ErrorCode::invalid_input);
  CHECK(error_code_of([&] { session.finish(); }) == ErrorCode::invalid_input);
  const std::array<std::uint8_t, 3> drawing = {1, 2, 3};
  CHECK(error_code_of([&] { session.attach(drawing); }) == ErrorCode::invalid_input);
  CHECK(session.answers().at("feel_at_home") == "3");
}

TEST_CASE_FIXTURE(ChildModeFixture, "the store refuses answers the held template version lacks") {
  // Around child mode, as an import or a bridge caller might write it.
  CHECK(error_code_of([&] {
          store->create(Kind::consultation, "C1",
                        {{"template_id", std::string(kTemplateId)},
                         {"template_version", std::int64_t{1}},
                         {"answer.school", std::string("fine")}});
        }) == ErrorCode::invalid_input);
  CHECK(error_code_of([&] {
          store->create(
              Kind::consultation, "C1",
              {{"template_id", std::string(kTemplateId)}, {"template_version", std::int64_t{2}}});
        }) == ErrorCode::invalid_input);
  const std::string id = start_consultation(*store, "C1", kTemplateId);
  CHECK(error_code_of([&] {
          store->edit(id, {{"answer.nope", std::string("x")}});
        }) == ErrorCode::invalid_input);
}

TEST_CASE_FIXTURE(ChildModeFixture,
                  "child mode needs a consultation on a template the device holds") {
  CHECK(error_code_of([&] {
          start_consultation(*store, "C1", "0190a000-0000-7000-8000-0000000000ff");
        }) == ErrorCode::not_found);
  const std::string visit = store->create(Kind::visit, "C1", {{"note", std::string("seen")}});
  CHECK(error_code_of([&] { ChildModeSession session(*store, visit); }) ==
        ErrorCode::invalid_input);
  CHECK(error_code_of([&] {
          ChildModeSession session(*store, "0190a000-0000-7000-8000-0000000000fe");
        }) == ErrorCode::not_found);
}

}  // namespace iro::test
