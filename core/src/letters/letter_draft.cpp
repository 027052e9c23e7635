// The first draft of the letter to the child. The wording follows the
// councils' guidance on letters to children: first person, plain language, short sentences,
// the child's chosen name, written to the child ("you") so no third-person
// pronoun is ever guessed.
#include <array>
#include <string>

#include "iro/letters.hpp"
#include "iro/timescale_policy.hpp"
#include "iro/working_days.hpp"

namespace iro {
namespace {

constexpr std::array<std::string_view, 7> kWeekdays = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
constexpr std::array<std::string_view, 12> kMonths = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

// "A", "A and B", "A, B and C".
std::string joined_in_words(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
    out += items[i];
  }
  return out;
}

// The text without blank space at either end.
std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// A quoted answer ends a sentence: no doubled full stop after it.
std::string as_quote(std::string_view answer) {
  return "\"" + trimmed(answer) + "\"";
}

}  // namespace

std::string date_in_words(Date date) {
  return std::string(kWeekdays[date.iso_weekday() - 1]) + " " + std::to_string(date.day()) + " " +
         std::string(kMonths[date.month() - 1]) + " " + std::to_string(date.year());
}

std::string draft_letter_body(const LetterFacts& facts) {
  std::vector<std::string> paragraphs;
  // A record with no name at all still gets a letter the IRO can correct.
  paragraphs.push_back("Dear " +
                       (facts.child_name.empty() ? std::string("friend") : facts.child_name) + ",");

  std::string opening =
      facts.iro_name.empty()
          ? std::string("I am your Independent Reviewing Officer (IRO).")
          : "I am " + facts.iro_name + ", your Independent Reviewing Officer (IRO).";
  opening += " My job is to make sure your plan is right for you and that people listen to you.";
  if (facts.review_date) {
    opening += " I am writing to tell you about your review meeting on " +
               date_in_words(*facts.review_date) + ".";
  } else {
    opening += " I am writing to tell you how things are going with your plan.";
  }
  paragraphs.push_back(opening);

  if (!facts.attendees.empty()) {
    paragraphs.push_back("Who I met\nAt your review I met " + joined_in_words(facts.attendees) +
                         ".");
  }

  if (!facts.child_said.empty()) {
    std::string said = "What you told me\nThank you for telling me what you think.";
    for (const QuotedAnswer& quoted : facts.child_said) {
      if (trimmed(quoted.answer).empty()) continue;
      said += "\nWhen I asked \"" + trimmed(quoted.prompt) + "\", you said " +
              as_quote(quoted.answer) + ".";
    }
    paragraphs.push_back(said);
  }

  if (!trimmed(facts.recommendations).empty()) {
    paragraphs.push_back("What we decided\nThis is what we agreed at your review:\n" +
                         trimmed(facts.recommendations));
  }

  std::string next =
      "What happens next\nThe people at your review will do what we agreed. I will check that "
      "it happens.";
  if (facts.next_review_due) {
    next += facts.next_review_booked
                ? " Your next review is booked for " + date_in_words(*facts.next_review_due) + "."
                : " Your next review will be by " + date_in_words(*facts.next_review_due) + ".";
    next +=
        " Before then you can tell me where you would like it to be and who you would like "
        "to come.";
  }
  paragraphs.push_back(next);

  paragraphs.push_back(
      "How to contact me\nIf you want to talk to me about this letter, or about anything else, "
      "you can ask your carer or your social worker to help you get in touch with me. You can "
      "also ask for an advocate: someone who can help you say what you think.");

  paragraphs.push_back(facts.iro_name.empty() ? std::string("From your IRO")
                                              : "From " + facts.iro_name + ", your IRO");

  std::string body;
  for (const std::string& paragraph : paragraphs) {
    if (!body.empty()) body += "\n\n";
    body += paragraph;
  }
  return body;
}

Date letter_distribution_due(Date review_date, const HolidayCalendar& calendar) {
  return add_working_days(review_date, kRecordWorkingDays, calendar);
}

}  // namespace iro
