// The letter an IRO writes to the child after a review (the councils'
// guidance on letters to children): first person, plain language, the child's chosen name. A
// draft is made from what the device holds (the child, the review, the
// child's consultation answers); the IRO edits it, a manager approves it, and
// once issued it is a record that does not change.
//
// Pure functions apart from gather_letter_facts, which reads a DeviceStore.
// No PDF here: core stays portable; the PDF writer is render/ (letter_pdf.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iro/date.hpp"
#include "iro/form_template.hpp"
#include "iro/holiday_calendar.hpp"
#include "iro/store.hpp"

namespace iro {

// What a draft letter says, gathered from the device's records.
struct LetterFacts {
  std::string child_name;  // the preferred name, else the first name; never empty in a letter
  // The child's pronouns as recorded. The draft is written to the child in
  // the second person and never uses third-person pronouns, so it cannot
  // misgender; kept for a host that writes lines to carers.
  std::string pronouns;
  std::optional<Date> review_date;
  std::vector<std::string>
      attendees;                // as recorded on the review: "Mum", "Ms Patel (social worker)"
  std::string recommendations;  // what was decided, in the IRO's words
  std::optional<Date> next_review_due;
  bool next_review_booked = false;  // next_review_due is a booked date, not the latest due date
  std::string iro_name;             // empty when unknown
  // What the child said that they are happy to have quoted: never the answers
  // to do_not_discuss questions (answers_for_letter leaves them out).
  std::vector<QuotedAnswer> child_said;
};

// "Tuesday 12 May 2026".
std::string date_in_words(Date date);

// The name a letter calls the child by: the child record's preferred_name,
// else its first_name. Empty when the record has neither.
std::string child_name_of(const Document& child);

// The facts for a letter to `child_id` about review `review_id` (empty: no
// review, e.g. a letter between reviews). Reads the child's record (its name
// and pronouns), the review (date, attendees, recommendations), the next
// review's due date from the timescales (the council's policy as the device
// last heard it; left out when the records cannot give one) and the child's
// consultation for this review, else the child's latest one, quoted through
// its form template (no template on the device: nothing is quoted, since
// only the template says which answers the child does not want talked
// about). Throws Error(not_found) for a child or review the device does not
// hold, and Error(invalid_input) for a review of another child.
LetterFacts gather_letter_facts(const DeviceStore& store, std::string_view child_id,
                                std::string_view review_id, const HolidayCalendar& calendar,
                                Date today);

// The first draft of the letter's body: plain text, paragraphs separated by
// a blank line, addressed "Dear <name>,". Who I met, what you told me, what
// was decided, what happens next, the next review, how to contact me; a
// paragraph is left out when its facts are missing.
std::string draft_letter_body(const LetterFacts& facts);

// The day by which the letter (or the review record) must reach the child:
// kRecordWorkingDays (20) working days after the review (the IRO Handbook).
Date letter_distribution_due(Date review_date, const HolidayCalendar& calendar);

// A letter laid out for reading: what the HTML page and the PDF show.
struct LetterPage {
  std::string title;  // "A letter for Sam"
  std::string body;   // the letter's body as stored
  std::string note;   // a line under the letter, e.g. "Draft: not yet approved"; may be empty
};

// The body's paragraphs: split at blank lines, each trimmed of surrounding
// blank space; a single newline inside a paragraph is kept (a line break).
std::vector<std::string> letter_paragraphs(std::string_view body);

// `text` with &, <, >, " and ' escaped for HTML text and attribute values.
std::string html_escaped(std::string_view text);

// A complete HTML5 page (UTF-8, large readable type) showing the letter.
// Every word from the page is escaped: nothing in a body can become markup.
std::string render_letter_html(const LetterPage& page);

}  // namespace iro
