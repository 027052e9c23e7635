#include "iro/letters.hpp"

#include <doctest/doctest.h>

#include "iro/error.hpp"
#include "iro/validation.hpp"
#include "support/device_fixture.hpp"
#include "support/expect_error.hpp"
#include "support/text_checks.hpp"

using namespace iro;
using iro::test::contains;
using iro::test::DeviceFixture;
using iro::test::error_code_of;

namespace {

LetterFacts sam_after_review() {
  LetterFacts facts;
  facts.child_name = "Sam";
  facts.pronouns = "they/them";
  facts.review_date = Date::from_ymd(2026, 5, 12);
  facts.attendees = {"Mum", "your foster carer Jo", "your social worker"};
  facts.recommendations = "Family time with Mum every Saturday.\nA new bike by the summer.";
  facts.next_review_due = Date::from_ymd(2026, 11, 12);
  facts.iro_name = "Priya Shah";
  facts.child_said = {{"What is going well?", "School is good."},
                      {"Who would you like at your meeting?", "Mum and Jo"}};
  return facts;
}

// Fields of a record as the server's pull delivers them, at server_seq from `first_seq`.
void receive(DeviceFixture& device, const std::string& doc_id, Kind kind, const FieldMap& fields,
             std::uint64_t first_seq) {
  std::vector<ChangeEntry> changes;
  for (const auto& [field, value] : fields) {
    ChangeEntry change;
    change.change.doc_id = doc_id;
    change.change.kind = kind;
    change.change.child_id = "C1";
    change.change.field = field;
    change.change.value = value;
    change.change.hlc = Hlc::from_parts(device.clock.now_ms(), 0);
    change.server_seq = first_seq++;
    changes.push_back(change);
  }
  device.store->apply_changes(changes, first_seq);
}

Document letter_with(FieldMap fields) {
  Document letter;
  letter.kind = Kind::letter;
  letter.fields = std::move(fields);
  return letter;
}

}  // namespace

TEST_CASE("dates in a letter are written in words") {
  CHECK(date_in_words(Date::from_ymd(2026, 5, 12)) == "Tuesday 12 May 2026");
  CHECK(date_in_words(Date::from_ymd(2024, 2, 29)) == "Thursday 29 February 2024");
  CHECK(date_in_words(Date::from_ymd(2025, 12, 7)) == "Sunday 7 December 2025");
}

TEST_CASE("a draft letter speaks to the child by their preferred name, in the first person") {
  const std::string body = draft_letter_body(sam_after_review());
  CHECK(body.starts_with("Dear Sam,\n\n"));
  CHECK(contains(body, "I am Priya Shah, your Independent Reviewing Officer (IRO)."));
  CHECK(contains(body, "your review meeting on Tuesday 12 May 2026."));
  CHECK(contains(body, "At your review I met Mum, your foster carer Jo and your social worker."));
  CHECK(contains(body, "When I asked \"What is going well?\", you said \"School is good.\"."));
  CHECK(contains(body, "Family time with Mum every Saturday.\nA new bike by the summer."));
  CHECK(contains(body, "Your next review will be by Thursday 12 November 2026."));
  CHECK(contains(body, "How to contact me"));
  // Written to the child: no third-person pronoun is guessed.
  for (const char* pronoun : {" he ", " she ", " his ", " her ", " him ", " they "}) {
    CAPTURE(pronoun);
    CHECK_FALSE(contains(body, pronoun));
  }
}

TEST_CASE("a draft leaves out what it does not know and quotes only what it is given") {
  LetterFacts facts;
  facts.child_name = "Ava";
  facts.child_said = {{"What worries you?", "Moving school"}};
  const std::string body = draft_letter_body(facts);
  CHECK(body.starts_with("Dear Ava,"));
  CHECK(contains(body, "I am your Independent Reviewing Officer (IRO)."));
  CHECK_FALSE(contains(body, "Who I met"));
  CHECK_FALSE(contains(body, "What we decided"));
  CHECK_FALSE(contains(body, "next review"));
  CHECK(contains(body, "you said \"Moving school\"."));
  // Only the allowed answers reach the letter: nothing else the child wrote can appear.
  CHECK(body.find("you said") == body.rfind("you said"));
  CHECK(body.ends_with("From your IRO"));
}

TEST_CASE("the letter's facts come from the device's records, the preferred name first") {
  DeviceFixture device;
  const std::string child = "01890a5d-ac96-774b-bcce-b302099a0001";
  receive(device, child, Kind::child,
          {{"first_name", std::string("Samantha")},
           {"preferred_name", std::string("Sam")},
           {"pronouns", std::string("she/her")},
           {"date_of_birth", Date::from_ymd(2014, 3, 1)},
           {"looked_after_since", Date::from_ymd(2025, 10, 1)}},
          1);
  const std::string review = device.store->create(
      Kind::review, "C1",
      {{"date", Date::from_ymd(2026, 5, 12)},
       {"attendees", StringSet{"Ms Patel", "Mum"}},
       {"recommendations", std::string("Sam moves to the school she chose.")}});

  const LetterFacts facts =
      gather_letter_facts(*device.store, "C1", review, HolidayCalendar::england_and_wales(),
                          Date::from_ymd(2026, 5, 13));
  CHECK(facts.child_name == "Sam");
  CHECK(facts.pronouns == "she/her");
  REQUIRE(facts.review_date.has_value());
  CHECK(*facts.review_date == Date::from_ymd(2026, 5, 12));
  CHECK(facts.attendees == StringSet{"Ms Patel", "Mum"});
  CHECK(facts.recommendations == "Sam moves to the school she chose.");
  REQUIRE(facts.next_review_due.has_value());
  CHECK(*facts.next_review_due > Date::from_ymd(2026, 5, 12));
  CHECK(facts.child_said.empty());  // no consultation on the device

  // Without a preferred name the letter uses the first name.
  receive(device, child, Kind::child, {{"preferred_name", Value{}}}, 10);
  CHECK(gather_letter_facts(*device.store, "C1", review, HolidayCalendar::england_and_wales(),
                            Date::from_ymd(2026, 5, 13))
            .child_name == "Samantha");
  CHECK(draft_letter_body(gather_letter_facts(*device.store, "C1", review,
                                              HolidayCalendar::england_and_wales(),
                                              Date::from_ymd(2026, 5, 13)))
            .starts_with("Dear Samantha,"));

  CHECK(error_code_of([&] {
          gather_letter_facts(*device.store, "C9", "", HolidayCalendar::england_and_wales(),
                              Date::from_ymd(2026, 5, 13));
        }) == ErrorCode::not_found);
}

TEST_CASE("the letter is due 20 working days after the review, bank holidays not counted") {
  const HolidayCalendar& calendar = HolidayCalendar::england_and_wales();
  // Thursday 30 April 2026: the early May (4th) and spring (25th) bank holidays fall inside.
  CHECK(letter_distribution_due(Date::from_ymd(2026, 4, 30), calendar) ==
        Date::from_ymd(2026, 6, 1));
  // The same span with no holidays in it: four weeks exactly.
  CHECK(letter_distribution_due(Date::from_ymd(2026, 6, 4), calendar) ==
        Date::from_ymd(2026, 7, 2));
}

TEST_CASE("the HTML page escapes every word it shows") {
  LetterPage page;
  page.title = "A letter for Zoë & <Sam>";
  page.body =
      "Dear Zoë,\n\n<script>alert('x')</script> \"quoted\"\nsecond line\n\n\n  Last paragraph.  ";
  page.note = "Draft: <b>not</b> approved";
  const std::string html = render_letter_html(page);
  CHECK(html.starts_with("<!DOCTYPE html>"));
  CHECK(contains(html, "<meta charset=\"utf-8\">"));
  CHECK(contains(html, "<title>A letter for Zoë &amp; &lt;Sam&gt;</title>"));
  CHECK_FALSE(contains(html, "<script>"));
  CHECK_FALSE(contains(html, "<b>"));
  CHECK(contains(html,
                 "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;quoted&quot;<br>\n"
                 "second line</p>"));
  CHECK(contains(html, "<p>Last paragraph.</p>"));
  CHECK(contains(html, "Draft: &lt;b&gt;not&lt;/b&gt; approved"));
  CHECK(html.ends_with("</html>\n"));
}

TEST_CASE("a letter's paragraphs split at blank lines and keep their line breaks") {
  CHECK(letter_paragraphs("") == std::vector<std::string>{});
  CHECK(letter_paragraphs("\n \n") == std::vector<std::string>{});
  CHECK(letter_paragraphs("Dear Ava,\r\n\r\nOne\ntwo\n \nThree") ==
        std::vector<std::string>{"Dear Ava,", "One\ntwo", "Three"});
}

TEST_CASE("a letter is approved or issued only with its approver named") {
  const std::string body = "Dear Ava,";
  for (const char* status : {"approved", "issued"}) {
    CAPTURE(status);
    CHECK_THROWS_WITH_AS(validate_cross_field_rules(
                             letter_with({{"body", body}, {"status", std::string(status)}}), {}),
                         doctest::Contains("only once a manager approved it"), Error);
    CHECK_THROWS_AS(validate_cross_field_rules(letter_with({{"body", body},
                                                            {"status", std::string(status)},
                                                            {"approved_by", std::string()}}),
                                               {}),
                    Error);
    CHECK_NOTHROW(validate_cross_field_rules(
        letter_with(
            {{"body", body}, {"status", std::string(status)}, {"approved_by", std::string("Meg")}}),
        {}));
  }
  CHECK_NOTHROW(validate_cross_field_rules(
      letter_with({{"body", body}, {"status", std::string("submitted")}}), {}));
}

TEST_CASE("the device refuses to issue a letter no manager approved, and edits once issued") {
  DeviceFixture device;
  const std::string id =
      device.store->create(Kind::letter, "C1", {{"body", std::string("Dear Ava,")}});
  device.store->edit(id, {{"status", std::string("submitted")}});
  CHECK(error_code_of([&] {
          device.store->edit(id, {{"status", std::string("issued")}});
        }) == ErrorCode::invalid_input);
  device.store->edit(id,
                     {{"approved_by", std::string("Meg")}, {"status", std::string("approved")}});
  device.store->edit(
      id, {{"issued_on", Date::from_ymd(2026, 5, 20)}, {"status", std::string("issued")}});
  CHECK(error_code_of([&] {
          device.store->edit(id, {{"body", std::string("Dear Ava, also")}});
        }) == ErrorCode::record_locked);
}
