// The merge rules the server applies to each incoming change (docs/ARCHITECTURE.md,
// "Merge"). Pure functions: the server's store
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
  bool clean = false;  // false: the edits overlap (or the budget ran out); `text` is then empty
  std::string text;    // the merged text when clean
  bool over_budget = false;  // not clean because diffing would cost more than the budget left
};

// The work three-way text merges may still do, in steps of their diffs
// (about a nanosecond of one core each on the machine the figures come
// from). Before a diff runs, its cost is estimated from the runs of its two
// texts and a bounded count of its edits, within what is left: a merge that
// does not fit is not attempted. It is a conflict, and both texts are kept
// (no word is lost, nothing is silently dropped). The server gives each push
// one budget, so no push can hold its single writer for long.
class MergeBudget {
 public:
  explicit MergeBudget(std::uint64_t steps) : m_left(steps) {}

  std::uint64_t left() const { return m_left; }
  void spend(std::uint64_t steps) { m_left = steps < m_left ? m_left - steps : 0; }
  // How many merges were not attempted because they did not fit.
  std::size_t merges_refused() const { return m_refused; }
  void refuse() { ++m_refused; }

 private:
  std::uint64_t m_left;
  std::size_t m_refused = 0;
};

// About 150 ms of one core (bench/merge_budget_bench.cpp, bench/RESULTS.md):
// five everyday merges of the longest note (64 KiB) fit, and text built to
// be as costly as possible is refused after a few milliseconds.
inline constexpr std::uint64_t kMergeStepsPerPush = 150'000'000;

TextMerge merge_text(std::string_view base, std::string_view current, std::string_view incoming,
                     MergeBudget& budget);
// The same, with a budget of its own (kMergeStepsPerPush).
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
// edits overlap, or their merge does not fit `budget`: a conflict. Sets
// always merge. Without a budget, the merge has one of its own.
std::optional<Value> merge_values(const FieldSpec& spec, const Value& base, const Value& current,
                                  const Value& incoming, MergeBudget* budget = nullptr);

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
