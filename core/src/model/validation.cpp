#include "iro/validation.hpp"

#include <algorithm>
#include <string>

#include "iro/blob.hpp"
#include "iro/error.hpp"
#include "iro/uuid.hpp"
#include "support/utf8.hpp"

namespace iro {
namespace {

[[noreturn]] void refuse(const KindSchema& schema, std::string_view field,
                         const std::string& reason) {
  throw Error(ErrorCode::invalid_input,
              std::string(to_string(schema.kind)) + "." + std::string(field) + ": " + reason);
}

std::string quoted(std::string_view text) {
  return "\"" + describe(Value{std::string(text)}, 40) + "\"";
}

std::string joined(std::span<const std::string_view> words) {
  std::string out;
  for (const auto word : words) {
    if (!out.empty()) out += ", ";
    out += word;
  }
  return out;
}

std::string_view alternative_name(const Value& value) {
  switch (value.index()) {
    case 0:
      return "nothing";
    case 1:
      return "a yes/no";
    case 2:
      return "a number";
    case 3:
      return "text";
    case 4:
      return "a date";
    default:
      return "a set";
  }
}

std::string_view expected_name(FieldType type) {
  switch (type) {
    case FieldType::date:
      return "a date";
    case FieldType::boolean:
      return "yes or no";
    case FieldType::integer:
      return "a whole number";
    case FieldType::set:
      return "a list";
    case FieldType::reference:
      return "a document id";
    default:
      return "text";
  }
}

template <typename T>
const T& expect(const KindSchema& schema, std::string_view field, const FieldSpec& spec,
                const Value& value) {
  if (const T* held = std::get_if<T>(&value)) return *held;
  refuse(schema, field,
         "expected " + std::string(expected_name(spec.type)) + ", got " +
             std::string(alternative_name(value)));
}

void check_text(const KindSchema& schema, std::string_view field, const FieldSpec& spec,
                std::string_view text, bool multi_line) {
  if (text.size() > spec.byte_limit()) {
    refuse(schema, field,
           "text is " + std::to_string(text.size()) + " bytes; the limit is " +
               std::to_string(spec.byte_limit()));
  }
  if (!is_valid_utf8(text)) refuse(schema, field, "text is not valid UTF-8");
  if (has_control_characters(text)) refuse(schema, field, "text holds control characters");
  if (!multi_line && text.find_first_of("\r\n") != std::string_view::npos) {
    refuse(schema, field, "must be a single line");
  }
}

std::ptrdiff_t position_of(std::span<const std::string_view> choices, std::string_view code) {
  const auto found = std::find(choices.begin(), choices.end(), code);
  return found == choices.end() ? -1 : found - choices.begin();
}

}  // namespace

const FieldSpec& require_field(const KindSchema& schema, std::string_view field, Writer writer) {
  const FieldSpec* spec = schema.find(field);
  if (spec == nullptr) {
    std::string names;
    for (const FieldSpec& known : schema.fields) {
      if (!names.empty()) names += ", ";
      names += known.name;
    }
    throw Error(ErrorCode::invalid_input, std::string(to_string(schema.kind)) + " has no field " +
                                              quoted(field) + " (its fields: " + names + ")");
  }
  if (spec->writer == Writer::server_only && writer != Writer::server_only) {
    refuse(schema, field, "is set by the council's case system, not on a device");
  }
  return *spec;
}

void validate_value(const KindSchema& schema, std::string_view field, const FieldSpec& spec,
                    const Value& value) {
  if (is_unset(value)) return;
  switch (spec.type) {
    case FieldType::text:
      check_text(schema, field, spec, expect<std::string>(schema, field, spec, value), true);
      return;
    case FieldType::line:
      check_text(schema, field, spec, expect<std::string>(schema, field, spec, value), false);
      return;
    case FieldType::date:
      expect<Date>(schema, field, spec, value);
      return;
    case FieldType::boolean:
      expect<bool>(schema, field, spec, value);
      return;
    case FieldType::integer: {
      const std::int64_t number = expect<std::int64_t>(schema, field, spec, value);
      if (number < spec.min || number > spec.max) {
        refuse(schema, field,
               std::to_string(number) + " is outside " + std::to_string(spec.min) + "-" +
                   std::to_string(spec.max));
      }
      return;
    }
    case FieldType::choice:
    case FieldType::status: {
      const std::string& code = expect<std::string>(schema, field, spec, value);
      if (position_of(spec.choices, code) < 0) {
        refuse(schema, field, quoted(code) + " is not one of " + joined(spec.choices));
      }
      return;
    }
    case FieldType::set: {
      const StringSet& members = expect<StringSet>(schema, field, spec, value);
      if (members.size() > kMaxSetMembers) {
        refuse(schema, field,
               std::to_string(members.size()) + " members; the limit is " +
                   std::to_string(kMaxSetMembers));
      }
      for (const std::string& member : members) {
        if (member.empty()) refuse(schema, field, "a member is empty");
        check_text(schema, field, spec, member, false);
        if (field == kAttachmentsField && !is_blob_hash(member)) {
          refuse(schema, field, quoted(member) + " is not an attachment's SHA-256 (64 hex digits)");
        }
      }
      if (!std::is_sorted(members.begin(), members.end()) ||
          std::adjacent_find(members.begin(), members.end()) != members.end()) {
        refuse(schema, field, "members must be sorted and distinct");
      }
      return;
    }
    case FieldType::reference: {
      const std::string& id = expect<std::string>(schema, field, spec, value);
      if (!is_canonical_uuid(id)) refuse(schema, field, quoted(id) + " is not a document id");
      return;
    }
  }
}

void validate_status_step(const KindSchema& schema, const FieldSpec& spec, const Value& current,
                          const Value& proposed) {
  if (spec.type != FieldType::status || is_unset(current)) return;
  const auto* from = std::get_if<std::string>(&current);
  const auto* to = std::get_if<std::string>(&proposed);
  if (to == nullptr) refuse(schema, spec.name, "a status cannot be cleared");
  if (from && position_of(spec.choices, *to) < position_of(spec.choices, *from)) {
    refuse(schema, spec.name,
           "cannot move back from " + *from + " to " + *to + " (a status only moves forward)");
  }
}

namespace {

const std::string* code_of(const Document& document, std::string_view field) {
  const Value* value = document.field(field);
  return value ? std::get_if<std::string>(value) : nullptr;
}

void validate_review(const Document& review, const ChildFacts& child) {
  const KindSchema& schema = schema_for(Kind::review);
  const std::string* code = code_of(review, "participation_code");
  const Value* date_value = review.field("date");
  const Date* date = date_value ? std::get_if<Date>(date_value) : nullptr;

  if (date && child.date_of_birth && *date < *child.date_of_birth) {
    refuse(schema, "date",
           date->to_string() + " is before the child's date of birth " +
               child.date_of_birth->to_string());
  }
  if (code && date && child.date_of_birth) {
    const int age = age_in_years_on(*child.date_of_birth, *date);
    const bool under_four = age < 4;
    if (under_four && *code != "PN0") {
      refuse(schema, "participation_code",
             *code + " does not fit a child aged " + std::to_string(age) + " on " +
                 date->to_string() + " (under 4s are PN0)");
    }
    if (!under_four && *code == "PN0") {
      refuse(schema, "participation_code",
             "PN0 is only for a child under 4; the child is " + std::to_string(age) + " on " +
                 date->to_string());
    }
  }
  const std::string* status = code_of(review, kStatusField);
  if (status && *status == "finalised" && (!date || !code)) {
    refuse(schema, kStatusField, "a review needs a date and a participation code to be finalised");
  }
}

void validate_letter(const Document& letter) {
  const std::string* status = code_of(letter, kStatusField);
  const std::string* body = code_of(letter, "body");
  if (status && *status != "draft" && (!body || body->empty())) {
    refuse(schema_for(Kind::letter), kStatusField, "a letter with no body cannot be " + *status);
  }
  // A manager approves before the letter is sent (the councils' practice). The status only
  // moves forward, so "issued only once approved" is: issued has an approver.
  const std::string* approved_by = code_of(letter, "approved_by");
  if (status && (*status == "approved" || *status == "issued") &&
      (!approved_by || approved_by->empty())) {
    refuse(schema_for(Kind::letter), kStatusField,
           "a letter can be " + *status + " only once a manager approved it (approved_by)");
  }
}

}  // namespace

void validate_cross_field_rules(const Document& proposed, const ChildFacts& child) {
  // A kind added here is added to has_cross_field_rules too.
  switch (proposed.kind) {
    case Kind::review:
      validate_review(proposed, child);
      return;
    case Kind::letter:
      validate_letter(proposed);
      return;
    default:
      return;
  }
}

bool has_cross_field_rules(Kind kind) noexcept {
  return kind == Kind::review || kind == Kind::letter;
}

}  // namespace iro
