// A record as the device or server holds it: the merged value of every field.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "iro/hlc.hpp"
#include "iro/model.hpp"
#include "iro/value.hpp"

namespace iro {

using FieldMap = std::map<std::string, Value, std::less<>>;

// A value that lost an overlapping text merge, kept so no typed word is lost
// until the IRO resolves it (see docs/ARCHITECTURE.md, Merge).
struct Conflict {
  std::string slot;  // where it is kept: conflict_slot(field, n); its id
  std::string field;
  Value value;            // the words that lost
  std::string device_id;  // the device that typed them
  Hlc hlc;                // when they were typed

  bool operator==(const Conflict&) const = default;
};

// Conflicts travel as fields of their document, in slots named
// "<field>#<n>" (n: the server sequence number that recorded the conflict,
// so unique). The server fills a slot; a device resolves the conflict by
// clearing it, an ordinary edit that syncs like any other.
inline constexpr char kConflictSlotMark = '#';
inline constexpr std::size_t kMaxSlotNameBytes = kMaxFieldNameBytes + 21;
std::string conflict_slot(std::string_view field, std::uint64_t number);
bool is_conflict_slot(std::string_view name) noexcept;
// The field a slot belongs to ("note" for "note#17"); the name itself otherwise.
std::string_view field_of_slot(std::string_view slot) noexcept;

struct Document {
  std::string id;  // UUIDv7, made where the document was created
  Kind kind = Kind::visit;
  std::string child_id;  // the council's id for the child the record is about
  FieldMap fields;       // unset fields are absent
  bool deleted = false;
  std::vector<Conflict> conflicts;

  // nullptr when the field is not set.
  const Value* field(std::string_view name) const;

  // An issued letter or a finalised review: further edits are refused.
  bool locked() const;

  bool operator==(const Document&) const = default;
};

// A council child id: 1-64 characters of letters, digits, '-', '_' and '.'.
// Case systems (Mosaic, LCS) use numeric or prefixed ids; nothing else is needed.
bool is_valid_child_id(std::string_view id) noexcept;

}  // namespace iro
