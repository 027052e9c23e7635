// A field's value. The field's schema (model.hpp) says which alternative it
// must hold; std::monostate means "not set" and clears a field.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "iro/date.hpp"

namespace iro {

// Members of an add-wins set field (attendees, actions): sorted, no repeats.
using StringSet = std::vector<std::string>;

using Value = std::variant<std::monostate, bool, std::int64_t, std::string, Date, StringSet>;

inline bool is_unset(const Value& value) noexcept {
  return std::holds_alternative<std::monostate>(value);
}

// Sorts and removes repeats, so equal sets compare equal.
StringSet normalised_set(StringSet members);

// A short human rendering for messages and listings; long text is cut with "...".
std::string describe(const Value& value, std::size_t max_chars = 60);

}  // namespace iro
