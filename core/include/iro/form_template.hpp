// Consultation form templates: the questions a child (or their parent/carer)
// answers before a review, read from a form_template document, and the rules
// that tie a consultation's answers to the template version it was filled on.
// Every template version is its own form_template document (child_id "",
// tenant-wide); versions of one form share a `family`, e.g. "review_13_plus".
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "iro/document.hpp"

namespace iro {

// Question types: free_text, choice (one of options), scale (an integer in
// min..max), yes_no ("yes"/"no"), people ("who would you like at your
// meeting"), where_when (where and when the meeting should be) and
// do_not_discuss ("anything you do NOT want talked about": never quoted back
// in a letter).
struct Question {
  std::string id;       // lower-case a-z0-9_, 1-48 chars: answers are fields answer.<id>
  std::string type;     // one of the types above
  std::string prompt;   // the words the child reads
  std::string picture;  // optional: a picture or face shown with the prompt (under 8s)
  std::vector<std::string> options;  // choice only
  int min = 1;                       // scale only
  int max = 10;                      // scale only
  std::string replaces;  // optional: the id of the previous version's question this one replaces
};

struct FormTemplate {
  std::string id;      // the form_template document's id
  std::string family;  // the stable key shared by the versions, e.g. "review_13_plus"
  std::string name;
  std::string age_variant;  // under_8, 8_to_12, 13_plus, parent_carer
  std::string intro;
  int version = 1;
  std::vector<Question> questions;

  // nullptr when the template has no question `id`.
  const Question* find(std::string_view id) const;
};

// The template a form_template document holds. Throws Error(invalid_input)
// naming the problem: not a form_template, bad questions JSON, an unknown
// type, a duplicate or invalid question id, a choice without options, or
// scale bounds out of order.
FormTemplate parse_form_template(const Document& template_doc);

// The fields of a form_template document from a template's JSON
// ({"family", "name", "age_variant", "intro", "questions": [...]},
// data/form-templates/README.md), numbered `version`. Throws
// Error(invalid_input) naming what is wrong: not JSON, a missing or bad
// member, a family that is not 1-48 of a-z, 0-9 and '_', bad questions.
FieldMap form_template_fields(std::string_view spec_json, int version);

// The templates that ship with iro-sync (data/form-templates/*.json,
// compiled in, in file name order): what the demo county publishes.
std::span<const std::string_view> bundled_form_templates();

// The field prefix of a consultation's answers: "answer." + question id.
inline constexpr std::string_view kAnswerPrefix = "answer.";

// Throws Error(invalid_input) unless every answer.<id> of `consultation`
// names a question of THIS template version and fits its type (scale: an
// integer within min..max; yes_no: "yes" or "no"; choice: one of the
// options; the others: any text).
void validate_answers(const FormTemplate& form, const Document& consultation);

// The consultation checked against the template document its template_id
// names: template_version must be that template's version, and the answers
// must pass validate_answers. Throws Error(invalid_input) otherwise (also
// when `template_doc` is not a valid form_template).
void validate_consultation(const Document& consultation, const Document& template_doc);

struct QuotedAnswer {
  std::string prompt;
  std::string answer;
};

// The child's answers in question order, for quoting in the letter to the
// child. Never includes the answers to do_not_discuss questions; unanswered
// questions are left out.
std::vector<QuotedAnswer> answers_for_letter(const FormTemplate& form,
                                             const Document& consultation);

// A consultation's answers carried from template version `from` to the newer
// `to`. Nothing is dropped.
struct MappedAnswers {
  struct Answer {
    std::string question_id;  // the id in `to`
    std::string answer;
  };
  struct Unplaced {
    std::string question_id;  // the id in `from`
    std::string prompt;       // its prompt in `from`
    std::string answer;
    int from_version = 0;  // listed as "from version N"
  };
  std::vector<Answer> mapped;      // in `to`'s question order
  std::vector<Unplaced> unplaced;  // answers with no place in `to`, in `from`'s order
};

// An answer to old question q goes to the new question with the same id, or
// to the new question whose `replaces` names q; otherwise it is unplaced.
MappedAnswers map_answers(const FormTemplate& from, const FormTemplate& to,
                          const Document& consultation);

}  // namespace iro
