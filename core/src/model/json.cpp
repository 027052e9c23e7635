#include "iro/json.hpp"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "iro/error.hpp"
#include "iro/validation.hpp"

namespace iro {
namespace {

using nlohmann::json;

[[noreturn]] void refuse(const KindSchema& schema, std::string_view field,
                         const std::string& reason) {
  throw Error(ErrorCode::invalid_input,
              std::string(to_string(schema.kind)) + "." + std::string(field) + ": " + reason);
}

Date parse_date(const KindSchema& schema, std::string_view field, std::string_view text) {
  if (auto date = Date::parse(text)) return *date;
  refuse(schema, field,
         "\"" + std::string(text.substr(0, 40)) + "\" is not a date (expected YYYY-MM-DD)");
}

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

}  // namespace

json value_to_json(const Value& value) {
  struct ToJson {
    json operator()(std::monostate) const { return nullptr; }
    json operator()(bool flag) const { return flag; }
    json operator()(std::int64_t number) const { return number; }
    json operator()(const std::string& text) const { return text; }
    json operator()(const Date& date) const { return date.to_string(); }
    json operator()(const StringSet& members) const { return members; }
  };
  return std::visit(ToJson{}, value);
}

Value value_from_json(const KindSchema& schema, std::string_view field, const FieldSpec& spec,
                      const json& input) {
  if (input.is_null()) return std::monostate{};
  switch (spec.type) {
    case FieldType::date:
      if (!input.is_string()) refuse(schema, field, "expected a date as \"YYYY-MM-DD\"");
      return parse_date(schema, field, input.get_ref<const std::string&>());
    case FieldType::boolean:
      if (!input.is_boolean()) refuse(schema, field, "expected true or false");
      return input.get<bool>();
    case FieldType::integer:
      if (!input.is_number_integer() ||
          (input.is_number_unsigned() && input.get<std::uint64_t>() > INT64_MAX)) {
        refuse(schema, field, "expected a whole number");
      }
      return input.get<std::int64_t>();
    case FieldType::set: {
      if (!input.is_array()) refuse(schema, field, "expected a list of text");
      StringSet members;
      for (const json& member : input) {
        if (!member.is_string()) refuse(schema, field, "expected a list of text");
        members.push_back(member.get<std::string>());
      }
      return normalised_set(std::move(members));
    }
    default:
      if (!input.is_string()) refuse(schema, field, "expected text");
      return input.get<std::string>();
  }
}

FieldMap fields_from_json(Kind kind, const json& fields) {
  const KindSchema& schema = schema_for(kind);
  if (!fields.is_object()) {
    throw Error(ErrorCode::invalid_input,
                std::string(to_string(kind)) + ": the fields must be a JSON object");
  }
  FieldMap out;
  for (const auto& [name, value] : fields.items()) {
    // Only the type is needed to read the value: server-only fields are
    // refused by the store, with the store's message.
    const FieldSpec& spec = require_field(schema, name, Writer::server_only);
    out.insert_or_assign(name, value_from_json(schema, name, spec, value));
  }
  return out;
}

Value value_from_text(const KindSchema& schema, std::string_view field, const FieldSpec& spec,
                      std::string_view text) {
  if (text.empty()) return std::monostate{};
  switch (spec.type) {
    case FieldType::date:
      return parse_date(schema, field, text);
    case FieldType::boolean:
      if (text == "yes" || text == "true") return true;
      if (text == "no" || text == "false") return false;
      refuse(schema, field, "expected yes or no");
    case FieldType::integer: {
      std::int64_t number = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (error != std::errc{} || end != text.data() + text.size()) {
        refuse(schema, field, "\"" + std::string(text.substr(0, 40)) + "\" is not a whole number");
      }
      return number;
    }
    case FieldType::set: {
      StringSet members;
      std::size_t start = 0;
      while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        const std::string_view member = trimmed(text.substr(start, comma - start));
        if (!member.empty()) members.emplace_back(member);
        start = comma + 1;
      }
      return normalised_set(std::move(members));
    }
    default:
      return std::string(text);
  }
}

json document_to_json(const Document& document) {
  json fields = json::object();
  for (const auto& [name, value] : document.fields) fields[name] = value_to_json(value);
  json out = {{"id", document.id},
              {"kind", std::string(to_string(document.kind))},
              {"child_id", document.child_id},
              {"fields", std::move(fields)},
              {"deleted", document.deleted}};
  if (!document.conflicts.empty()) {
    // In slot order whatever order a store keeps them in: exports compare byte for byte.
    std::vector<const Conflict*> in_order;
    for (const Conflict& conflict : document.conflicts) in_order.push_back(&conflict);
    std::sort(in_order.begin(), in_order.end(),
              [](const Conflict* a, const Conflict* b) { return a->slot < b->slot; });
    json conflicts = json::array();
    for (const Conflict* entry : in_order) {
      const Conflict& conflict = *entry;
      conflicts.push_back({{"id", conflict.slot},
                           {"field", conflict.field},
                           {"value", value_to_json(conflict.value)},
                           {"device_id", conflict.device_id},
                           {"hlc", conflict.hlc.to_string()}});
    }
    out["conflicts"] = std::move(conflicts);
  }
  return out;
}

std::string export_json(std::vector<Document> documents) {
  std::sort(documents.begin(), documents.end(),
            [](const Document& a, const Document& b) { return a.id < b.id; });
  json array = json::array();
  for (const Document& document : documents) array.push_back(document_to_json(document));
  // Values from a server are not re-validated on the device; replacing bad
  // UTF-8 keeps an export from failing on one bad byte.
  return array.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace iro
