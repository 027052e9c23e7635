// JSON forms of documents and values: the interface of `iro export --json`,
// the bridge, and imports. Canonical: object keys sorted, sets sorted, dates
// as "YYYY-MM-DD", so equal documents print byte-for-byte the same.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "iro/document.hpp"
#include "iro/model.hpp"
#include "iro/value.hpp"

namespace iro {

nlohmann::json value_to_json(const Value& value);

// Reads a value for `spec` from JSON; null means unset. Throws
// Error(invalid_input) naming kind.field when the JSON has the wrong type.
// The result still needs validate_value().
Value value_from_json(const KindSchema& schema, std::string_view field, const FieldSpec& spec,
                      const nlohmann::json& json);

// A record's fields from a JSON object {"field": value, ...} (the "fields"
// of document_to_json): each key a field of `kind`, each value read by
// value_from_json (null clears the field). Throws Error(invalid_input) for
// something other than an object, an unknown field or a value of the wrong
// type. Values still need validating, and whether a device may write a field
// is the store's decision (DeviceStore::create and edit check both).
FieldMap fields_from_json(Kind kind, const nlohmann::json& fields);

// Reads a value for `spec` from command-line text: dates as YYYY-MM-DD,
// booleans as yes/no/true/false, sets as comma-separated members, "" = unset.
Value value_from_text(const KindSchema& schema, std::string_view field, const FieldSpec& spec,
                      std::string_view text);

// {"id", "kind", "child_id", "fields", "deleted"} plus "conflicts" when there are any.
nlohmann::json document_to_json(const Document& document);

// The export form: a JSON array of documents sorted by id, indented, ending in a newline.
std::string export_json(std::vector<Document> documents);

}  // namespace iro
