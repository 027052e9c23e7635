// The document model: the kinds of record an IRO works with and the typed
// fields each may hold. The tables live in core/src/model/schemas.cpp;
// docs/ARCHITECTURE.md explains the merge rule behind each field type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace iro {

enum class Kind : std::uint8_t {
  child = 1,          // imported from the council's case system; server-written
  review = 2,         // a looked-after review meeting
  visit = 3,          // a pre-review or midway visit note
  consultation = 4,   // a child's answers to a consultation form
  form_template = 5,  // a versioned consultation form; server-written
  letter = 6,         // the letter to the child after the review
  challenge = 7,      // dispute resolution / QA alert
  midway = 8,         // midway tracking between reviews
};

std::string_view to_string(Kind kind) noexcept;

// Records of the whole council rather than of one child (consultation form
// templates): their child_id is empty, and every device of the council
// receives them.
constexpr bool is_council_wide(Kind kind) noexcept {
  return kind == Kind::form_template;
}
std::optional<Kind> parse_kind(std::string_view name) noexcept;

// The field type decides validation and, in sync, the merge rule.
enum class FieldType : std::uint8_t {
  text,       // prose (notes, letter bodies, answers): three-way merged, never silently lost
  line,       // a short single line (venue, a name): last writer wins
  date,       // a calendar date: last writer wins
  boolean,    // last writer wins
  integer,    // within [min, max]: last writer wins
  choice,     // one of a fixed list of codes: last writer wins
  status,     // a lifecycle in order (draft -> issued): only moves forward
  set,        // short strings (attendees, actions): add-wins set
  reference,  // the id (UUID) of another document
};

std::string_view to_string(FieldType type) noexcept;

// Who may change a field. Server-only fields are refused from devices.
enum class Writer : std::uint8_t { device_and_server, server_only };

inline constexpr std::size_t kMaxTextBytes = 64 * 1024;  // ~10,000 words: a long visit note
inline constexpr std::size_t kMaxLineBytes = 200;
inline constexpr std::size_t kMaxSetMembers = 100;
inline constexpr std::size_t kMaxFieldNameBytes = 64;

struct FieldSpec {
  // "note"; a name ending in ".*" is a family, e.g. "answer.*" matches
  // "answer.worries" (the suffix is lower-case letters, digits and '_').
  std::string_view name;
  FieldType type;
  Writer writer = Writer::device_and_server;
  // Byte limit for text and line fields and for each set member; 0 = the type's default.
  std::size_t max_bytes = 0;
  // choice: the allowed codes; status: the lifecycle, first to last.
  std::span<const std::string_view> choices = {};
  std::int64_t min = 0;  // integer bounds
  std::int64_t max = 0;

  std::size_t byte_limit() const noexcept;
  bool is_family() const noexcept { return name.ends_with(".*"); }
};

struct KindSchema {
  Kind kind;
  Writer creator;  // who may create documents of this kind
  std::span<const FieldSpec> fields;
  // The status field's value that locks the document ("issued"), or empty.
  std::string_view locked_status = {};
  // The status a new document starts in, or empty when the kind has no status.
  std::string_view initial_status = {};

  // nullptr when the kind has no such field.
  const FieldSpec* find(std::string_view field) const noexcept;
};

// Throws Error(internal) for a number outside the enum.
const KindSchema& schema_for(Kind kind);

// Every kind, in enum order.
std::span<const Kind> all_kinds() noexcept;

// The name of the lifecycle field on kinds that have one.
inline constexpr std::string_view kStatusField = "status";

}  // namespace iro
