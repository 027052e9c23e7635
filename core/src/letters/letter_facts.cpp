// What a draft letter says, read from the device's records.
#include <algorithm>
#include <string>

#include "iro/child_timescales.hpp"
#include "iro/device_timescales.hpp"
#include "iro/error.hpp"
#include "iro/letters.hpp"
#include "iro/uuid.hpp"

namespace iro {
namespace {

std::string text_of(const Document& document, std::string_view field) {
  const Value* value = document.field(field);
  const auto* text = value ? std::get_if<std::string>(value) : nullptr;
  return text ? *text : std::string();
}

std::optional<Date> date_of(const Document& document, std::string_view field) {
  const Value* value = document.field(field);
  const auto* date = value ? std::get_if<Date>(value) : nullptr;
  return date ? std::optional<Date>(*date) : std::nullopt;
}

// The consultation the letter quotes: the one for this review, else the
// child's latest (ids are UUIDv7, so the greatest id is the newest).
const Document* consultation_for(const std::vector<Document>& records, std::string_view review_id) {
  const Document* latest = nullptr;
  for (const Document& record : records) {
    if (record.kind != Kind::consultation || record.deleted) continue;
    if (!review_id.empty() && text_of(record, "review_id") == review_id) return &record;
    if (latest == nullptr || record.id > latest->id) latest = &record;
  }
  return latest;
}

// The answers the child is happy to have quoted. Only the template knows
// which questions are do_not_discuss, so without it nothing is quoted.
std::vector<QuotedAnswer> quotable_answers(const DeviceStore& store, const Document& consultation) {
  const std::string template_id = text_of(consultation, "template_id");
  if (template_id.empty()) return {};
  const auto template_doc = store.get(template_id);
  if (!template_doc || template_doc->deleted || template_doc->kind != Kind::form_template) {
    return {};
  }
  try {
    return answers_for_letter(parse_form_template(*template_doc), consultation);
  } catch (const Error&) {
    return {};  // a template this build cannot read: quote nothing rather than guess
  }
}

}  // namespace

std::string child_name_of(const Document& child) {
  std::string name = text_of(child, "preferred_name");
  return name.empty() ? text_of(child, "first_name") : name;
}

LetterFacts gather_letter_facts(const DeviceStore& store, std::string_view child_id,
                                std::string_view review_id, const HolidayCalendar& calendar,
                                Date today) {
  const std::vector<Document> records = store.query(DocumentQuery::of_child(std::string(child_id)));
  const auto child = std::ranges::find_if(records, [](const Document& record) {
    return record.kind == Kind::child && !record.deleted;
  });
  if (child == records.end()) {
    throw Error(ErrorCode::not_found,
                "this device holds no child " + std::string(child_id.substr(0, 64)) +
                    " (a child's record arrives when the child is allocated to you and you sync)");
  }
  LetterFacts facts;
  facts.child_name = child_name_of(*child);
  facts.pronouns = text_of(*child, "pronouns");
  const std::string allocated = text_of(*child, "allocated_iro");
  if (!is_canonical_uuid(allocated)) facts.iro_name = allocated;  // a name, not a user id

  std::optional<Date> as_of;
  if (!review_id.empty()) {
    const auto review = store.get(review_id);
    if (!review || review->deleted || review->kind != Kind::review) {
      throw Error(ErrorCode::not_found,
                  "this device holds no review " + std::string(review_id.substr(0, 64)));
    }
    if (review->child_id != child_id) {
      throw Error(ErrorCode::invalid_input, "review " + review->id + " is about child " +
                                                review->child_id + ", not " +
                                                std::string(child_id.substr(0, 64)));
    }
    facts.review_date = date_of(*review, "date");
    if (const Value* attendees = review->field("attendees")) {
      if (const auto* set = std::get_if<StringSet>(attendees)) facts.attendees = *set;
    }
    facts.recommendations = text_of(*review, "recommendations");
    as_of = facts.review_date;
  }

  // The next review as the timescales see it just after this one: booked if
  // the records show a later review, else the latest date it may be held.
  try {
    const ChildTimescales timescales = child_timescales(
        *child, records, device_timescale_policy(store), calendar, as_of.value_or(today));
    const NextReview& next = timescales.timescales.next;
    facts.next_review_booked = next.scheduled.has_value();
    facts.next_review_due = next.scheduled.value_or(next.due.due);
  } catch (const Error&) {
    // No looked_after_since, or records the timescales refuse: the letter
    // leaves the date out and the IRO adds it.
  }

  if (const Document* consultation = consultation_for(records, review_id)) {
    facts.child_said = quotable_answers(store, *consultation);
  }
  return facts;
}

}  // namespace iro
