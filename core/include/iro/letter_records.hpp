// A letter record on a device, through its lifecycle: draft -> submitted ->
// approved (by a manager) -> issued (locked: corrections are addenda). What
// the command line's `letter` commands and the app's letter operations share.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "iro/letters.hpp"
#include "iro/store.hpp"

namespace iro {

// The letter `id`, or throws: not found, deleted, or another kind of record.
Document letter_or_throw(const DeviceStore& store, const std::string& id);

// A text field of the letter ("" when unset).
std::string letter_text(const Document& letter, std::string_view field);

// Refuses a step the letter's status does not allow, saying what comes
// first (`needed`: the status the step starts from; an issued letter is
// IRO_ERR_RECORD_LOCKED).
void require_letter_status(const Document& letter, std::string_view needed, std::string_view step,
                           std::string_view first);

// The day the letter must reach the child by, when it names a review with a date.
std::optional<Date> letter_due(const DeviceStore& store, const Document& letter);

// The letter laid out for reading, with a line under it saying whether it
// is a draft, waiting for approval, approved or sent: a draft printed is
// never taken for the sent letter.
LetterPage letter_page_of(const DeviceStore& store, const Document& letter);

// A new letter's body drafted from the device's records of the child and
// the review (gather_letter_facts, draft_letter_body); `signed_by` replaces
// the IRO's name when given.
std::string draft_letter_from_review(const DeviceStore& store, std::string_view child_id,
                                     std::string_view review_id, std::string_view signed_by,
                                     Date today);

}  // namespace iro
