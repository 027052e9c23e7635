// The rules a proposed record must meet before it is saved. Every violation
// throws Error(invalid_input) with a message that names the kind and field and
// says what was wrong, e.g.
//   review.participation_code: PN1 does not fit a child aged 3 on 2024-05-01 (under 4s are PN0)
#pragma once

#include <optional>
#include <string_view>

#include "iro/date.hpp"
#include "iro/document.hpp"
#include "iro/model.hpp"
#include "iro/value.hpp"

namespace iro {

// The field's spec, or throws for an unknown field, or for a server-only field
// when `writer` is a device.
const FieldSpec& require_field(const KindSchema& schema, std::string_view field, Writer writer);

// Type, size, range and code checks of one value against its spec. Unset is always allowed.
void validate_value(const KindSchema& schema, std::string_view field, const FieldSpec& spec,
                    const Value& value);

// A status value may only move forward along its lifecycle.
void validate_status_step(const KindSchema& schema, const FieldSpec& spec, const Value& current,
                          const Value& proposed);

// What cross-record rules need to know about the child.
struct ChildFacts {
  std::optional<Date> date_of_birth;
};

// Rules that span fields or records, checked on the document as it would be
// after the edit: a review's participation code must fit the child's age on
// the review date (PN0 under 4, PN1-PN7 at 4 and over).
void validate_cross_field_rules(const Document& proposed, const ChildFacts& child);

// Whether validate_cross_field_rules checks anything on a kind: for the
// others a server need not read the record back to check a change.
bool has_cross_field_rules(Kind kind) noexcept;

}  // namespace iro
