// The merge rules the server applies to each incoming change (DESIGN.md,
// Changes and merge; docs/ARCHITECTURE.md). Pure functions: the server's store
// supplies the versions, these decide.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "iro/hlc.hpp"
#include "iro/model.hpp"
#include "iro/value.hpp"

namespace iro {

// One version of one field: its value and who wrote it when.
struct FieldVersion {
  Value value;
  Hlc hlc;
  std::string device_id;
};

enum class MergeDecision {
  take_incoming,  // the incoming value becomes the server's
  keep_current,   // the server keeps its value; the device adopts it
};

// Which version of a field the server keeps.
// - status: the later along the lifecycle (a status only moves forward);
// - every other type: the later by (HLC, device id), last writer wins.
// Text and set fields take this rule only when no base is known; otherwise
// merge_text and merge_sets below decide.
MergeDecision decide_field(const FieldSpec& spec, const FieldVersion& current,
                           const FieldVersion& incoming);

// Three-way merge of prose (visit notes, letter bodies, answers) at word
// granularity: the changes `base -> current` and `base -> incoming` are both
// applied when they touch different words. Words and the whitespace between
// them are the units, so two edits separated by at least one untouched space
// both survive; edits that touch the same or adjacent words overlap.
struct TextMerge {
  bool clean = false;  // false: the edits overlap; `text` is then empty
  std::string text;    // the merged text when clean
};
TextMerge merge_text(std::string_view base, std::string_view current, std::string_view incoming);

// Three-way merge of an add-wins set (attendees, actions): what the incoming
// side added is added, what it removed (members of the base it dropped) is
// removed, and everything else the current side holds stays. A member one
// side adds is never lost to the other side's removal of an earlier copy.
StringSet merge_sets(const StringSet& base, const StringSet& current, const StringSet& incoming);

// Text and set fields merge three ways against the base the edit started
// from; every other type is decided by decide_field.
bool merges_three_ways(const FieldSpec& spec) noexcept;

// The three-way merge of a text or set field's values (unset reads as empty
// text or an empty set, and an empty result is unset). nullopt when text
// edits overlap: a conflict. Sets always merge.
std::optional<Value> merge_values(const FieldSpec& spec, const Value& base, const Value& current,
                                  const Value& incoming);

// How far ahead of the server's clock a device's timestamp may be before the
// server re-stamps it: tablets with wrong clocks are normal, and one a year
// fast must not win every merge for a year.
inline constexpr std::uint64_t kMaxClockAheadMs = 5 * 60 * 1000;

inline bool is_too_far_ahead(Hlc stamped, std::uint64_t server_now_ms,
                             std::uint64_t max_ahead_ms = kMaxClockAheadMs) {
  return stamped.ms() > server_now_ms + max_ahead_ms;
}

// Delete vs edit: the edit wins. A delete takes effect only when the deleting
// device had seen every change the document has had (`delete_base` is the
// newest server sequence number it had for the document); a change it had not
// seen is an edit it did not know about.
inline bool delete_takes_effect(std::uint64_t delete_base, std::uint64_t newest_field_seq) {
  return newest_field_seq <= delete_base;
}

}  // namespace iro
