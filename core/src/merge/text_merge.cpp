// Word-level three-way merge, diff3 style, over dtl's diff (Debian's
// libdtl-dev). The texts are cut into alternating runs of whitespace and of
// everything else; dtl gives the edit script from the base to each side;
// consecutive edits make a hunk, a range of base runs and what replaces it.
// Hunks of the two sides apply together when at least one untouched run
// separates them; hunks that overlap or touch are a conflict (unless both
// sides made the very same edit). Whitespace runs count as runs, so edits of
// two neighbouring words, with the space between them untouched, both apply.
#include <dtl/dtl.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "iro/merge.hpp"

namespace iro {
namespace {

using Words = std::vector<std::string_view>;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// UTF-8 safe: no byte of a multi-byte sequence is ASCII whitespace.
Words words_of(std::string_view text) {
  Words words;
  std::size_t start = 0;
  while (start < text.size()) {
    const bool space = is_space(text[start]);
    std::size_t end = start + 1;
    while (end < text.size() && is_space(text[end]) == space) ++end;
    words.push_back(text.substr(start, end - start));
    start = end;
  }
  return words;
}

// Base runs [begin, end) replaced by `replacement`; begin == end is an insertion.
struct Hunk {
  std::size_t begin = 0;
  std::size_t end = 0;
  Words replacement;
  bool operator==(const Hunk&) const = default;
};

std::vector<Hunk> hunks_between(const Words& base, const Words& side) {
  dtl::Diff<std::string_view, Words> diff(base, side);
  diff.compose();
  std::vector<Hunk> hunks;
  std::size_t at = 0;  // base runs consumed so far
  bool in_hunk = false;
  for (const auto& [word, info] : diff.getSes().getSequence()) {
    if (info.type == dtl::SES_COMMON) {
      in_hunk = false;
      ++at;
      continue;
    }
    if (!in_hunk) hunks.push_back(Hunk{at, at, {}});
    in_hunk = true;
    if (info.type == dtl::SES_DELETE) {
      hunks.back().end = ++at;
    } else {
      hunks.back().replacement.push_back(word);
    }
  }
  return hunks;
}

// The number of runs inserted and deleted to turn `a` into `b`, if it is at
// most `max_edits`; nullopt when it is more. Myers' greedy O((N+M)D)
// algorithm, stopped at `max_edits`, keeping only the furthest point on each
// diagonal (no edit script: dtl makes that once the count says it fits), so
// it needs O(max_edits) memory. `steps` counts the work done.
std::optional<std::size_t> edit_distance_within(const Words& a, const Words& b,
                                                std::size_t max_edits, std::uint64_t& steps) {
  // A common start and end cost no edits: only what lies between is counted.
  std::size_t start = 0;
  while (start < a.size() && start < b.size() && a[start] == b[start]) ++start;
  std::size_t a_end = a.size(), b_end = b.size();
  while (a_end > start && b_end > start && a[a_end - 1] == b[b_end - 1]) --a_end, --b_end;
  const auto n = static_cast<std::ptrdiff_t>(a_end - start);
  const auto m = static_cast<std::ptrdiff_t>(b_end - start);
  steps += a.size() + b.size();
  const auto limit = std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(max_edits), n + m);
  // furthest[k]: the furthest x reached on diagonal k = x - y, offset by limit + 1.
  std::vector<std::ptrdiff_t> furthest(static_cast<std::size_t>(2 * limit + 3), 0);
  const std::ptrdiff_t offset = limit + 1;
  for (std::ptrdiff_t d = 0; d <= limit; ++d) {
    for (std::ptrdiff_t k = -d; k <= d; k += 2) {
      const std::ptrdiff_t down = furthest[std::size_t(offset + k + 1)];
      const std::ptrdiff_t right = furthest[std::size_t(offset + k - 1)] + 1;
      std::ptrdiff_t x = (k == -d || (k != d && right - 1 < down)) ? down : right;
      std::ptrdiff_t y = x - k;
      ++steps;
      while (x < n && y < m && a[start + std::size_t(x)] == b[start + std::size_t(y)]) {
        ++x, ++y, ++steps;
      }
      furthest[std::size_t(offset + k)] = x;
      if (x >= n && y >= m) return static_cast<std::size_t>(d);
    }
  }
  return std::nullopt;
}

// What dtl's diff costs, in steps (about a nanosecond each here:
// bench/merge_budget_bench.cpp): a fixed part per run of its two texts, which
// dominates everyday edits (a 64 KiB note takes about as long with one edit
// as with three hundred), and a part per run per edit, which dominates text
// built to be costly (O(NP): every edit walks the runs again).
constexpr std::uint64_t kStepsPerRun = 300;

// Whether the diff from `base` to `side` fits what is left of the budget;
// if so, what it costs is taken from it. The bounded count looks for at most
// as many edits as half of what remains after the fixed part would pay for.
bool diff_fits(const Words& base, const Words& side, MergeBudget& budget) {
  const std::uint64_t runs = base.size() + side.size() + 1;
  const std::uint64_t fixed = runs * kStepsPerRun;
  if (budget.left() <= fixed) return false;
  const std::uint64_t affordable = (budget.left() - fixed) / (2 * runs);
  std::uint64_t counted = 0;
  const std::optional<std::size_t> edits =
      edit_distance_within(base, side, static_cast<std::size_t>(affordable), counted);
  budget.spend(counted);
  if (!edits) return false;
  budget.spend(fixed + runs * *edits);
  return true;
}

}  // namespace

TextMerge merge_text(std::string_view base, std::string_view current, std::string_view incoming) {
  MergeBudget budget(kMergeStepsPerPush);
  return merge_text(base, current, incoming, budget);
}

TextMerge merge_text(std::string_view base, std::string_view current, std::string_view incoming,
                     MergeBudget& budget) {
  if (incoming == current || base == incoming) return {true, std::string(current)};
  if (base == current) return {true, std::string(incoming)};
  const Words base_words = words_of(base);
  const Words current_words = words_of(current);
  const Words incoming_words = words_of(incoming);
  if (!diff_fits(base_words, current_words, budget) ||
      !diff_fits(base_words, incoming_words, budget)) {
    budget.refuse();
    return {false, {}, true};
  }
  const std::vector<Hunk> ours = hunks_between(base_words, current_words);
  const std::vector<Hunk> theirs = hunks_between(base_words, incoming_words);

  std::string merged;
  std::size_t copied = 0;  // base runs already written (or replaced)
  const auto apply = [&](const Hunk& hunk) {
    for (std::size_t i = copied; i < hunk.begin; ++i) merged.append(base_words[i]);
    for (const auto word : hunk.replacement) merged.append(word);
    copied = hunk.end;
  };
  std::size_t i = 0, j = 0;
  while (i < ours.size() || j < theirs.size()) {
    if (j == theirs.size() || (i < ours.size() && ours[i].begin < theirs[j].begin)) {
      // `ours[i]` comes first; it must end before `theirs[j]` starts, with a run between.
      if (j < theirs.size() && ours[i].end >= theirs[j].begin) return {false, {}};
      apply(ours[i++]);
    } else if (i == ours.size() || theirs[j].begin < ours[i].begin) {
      if (i < ours.size() && theirs[j].end >= ours[i].begin) return {false, {}};
      apply(theirs[j++]);
    } else {  // both start at the same run: only the very same edit is not a conflict
      if (!(ours[i] == theirs[j])) return {false, {}};
      apply(ours[i++]);
      ++j;
    }
  }
  for (std::size_t k = copied; k < base_words.size(); ++k) merged.append(base_words[k]);
  return {true, std::move(merged)};
}

StringSet merge_sets(const StringSet& base, const StringSet& current, const StringSet& incoming) {
  // All three are sorted and distinct (normalised_set), so set algorithms apply.
  StringSet removed;  // in the base, dropped by the incoming side
  std::set_difference(base.begin(), base.end(), incoming.begin(), incoming.end(),
                      std::back_inserter(removed));
  StringSet added;  // new on the incoming side
  std::set_difference(incoming.begin(), incoming.end(), base.begin(), base.end(),
                      std::back_inserter(added));
  StringSet kept;
  std::set_difference(current.begin(), current.end(), removed.begin(), removed.end(),
                      std::back_inserter(kept));
  StringSet merged;
  std::set_union(kept.begin(), kept.end(), added.begin(), added.end(), std::back_inserter(merged));
  return merged;
}

}  // namespace iro
