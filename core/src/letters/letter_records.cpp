#include "iro/letter_records.hpp"

#include "iro/error.hpp"
#include "iro/holiday_calendar.hpp"
#include "iro/model.hpp"

namespace iro {

std::string letter_text(const Document& letter, std::string_view field) {
  const Value* value = letter.field(field);
  const auto* text = value ? std::get_if<std::string>(value) : nullptr;
  return text ? *text : std::string();
}

Document letter_or_throw(const DeviceStore& store, const std::string& id) {
  auto letter = store.get(id);
  if (!letter || letter->deleted) throw Error(ErrorCode::not_found, "no letter " + id);
  if (letter->kind != Kind::letter) {
    throw Error(ErrorCode::invalid_input,
                id + " is a " + std::string(to_string(letter->kind)) + ", not a letter");
  }
  return *letter;
}

void require_letter_status(const Document& letter, std::string_view needed, std::string_view step,
                           std::string_view first) {
  const std::string status = letter_text(letter, kStatusField);
  if (status == needed) return;
  if (status == "issued") {
    throw Error(ErrorCode::record_locked, "letter " + letter.id +
                                              " is issued and cannot change; record an addendum "
                                              "instead");
  }
  throw Error(ErrorCode::invalid_input, "letter " + letter.id + " is " + status +
                                            ": it cannot be " + std::string(step) + " until " +
                                            std::string(first));
}

std::optional<Date> letter_due(const DeviceStore& store, const Document& letter) {
  const std::string review_id = letter_text(letter, "review_id");
  if (review_id.empty()) return std::nullopt;
  const auto review = store.get(review_id);
  if (!review || review->kind != Kind::review) return std::nullopt;
  const Value* date = review->field("date");
  const Date* review_date = date ? std::get_if<Date>(date) : nullptr;
  if (!review_date) return std::nullopt;
  return letter_distribution_due(*review_date, HolidayCalendar::england_and_wales());
}

namespace {

std::string status_note(const Document& letter) {
  const std::string status = letter_text(letter, kStatusField);
  if (status == "issued") {
    const Value* on = letter.field("issued_on");
    const Date* date = on ? std::get_if<Date>(on) : nullptr;
    return date ? "Sent on " + date_in_words(*date) + "." : std::string("Sent.");
  }
  if (status == "approved") return "Approved by a manager; not sent yet.";
  if (status == "submitted") return "Waiting for a manager to approve it. Not to be sent yet.";
  return "Draft: not approved. Not to be sent yet.";
}

}  // namespace

LetterPage letter_page_of(const DeviceStore& store, const Document& letter) {
  LetterPage page;
  std::string name;
  for (const Document& record : store.query(DocumentQuery::of_child(letter.child_id))) {
    if (record.kind == Kind::child && !record.deleted) name = child_name_of(record);
  }
  page.title = name.empty() ? std::string("A letter from your IRO") : "A letter for " + name;
  page.body = letter_text(letter, "body");
  page.note = status_note(letter);
  return page;
}

std::string draft_letter_from_review(const DeviceStore& store, std::string_view child_id,
                                     std::string_view review_id, std::string_view signed_by,
                                     Date today) {
  LetterFacts facts =
      gather_letter_facts(store, child_id, review_id, HolidayCalendar::england_and_wales(), today);
  if (!signed_by.empty()) facts.iro_name = signed_by;
  return draft_letter_body(facts);
}

}  // namespace iro
