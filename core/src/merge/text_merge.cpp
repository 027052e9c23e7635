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

}  // namespace

TextMerge merge_text(std::string_view base, std::string_view current, std::string_view incoming) {
  if (incoming == current || base == incoming) return {true, std::string(current)};
  if (base == current) return {true, std::string(incoming)};
  const Words base_words = words_of(base);
  const std::vector<Hunk> ours = hunks_between(base_words, words_of(current));
  const std::vector<Hunk> theirs = hunks_between(base_words, words_of(incoming));

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
