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
  std::string field;
  Value value;
  std::string device_id;
  Hlc hlc;

  bool operator==(const Conflict&) const = default;
};

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
