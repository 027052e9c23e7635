// What the merge budget (iro/merge.hpp, kMergeStepsPerPush) costs and buys:
// how long a merge people make takes and how much of the budget it uses,
// and how long the server's writer is held by a merge built to be as
// expensive as possible, with the budget and (once, for comparison) without.
// Prints bench/run's JSON lines.
#include <chrono>
#include <cstdio>
#include <random>
#include <string>

#include "iro/merge.hpp"
#include "report.hpp"
#include "support/costly_text.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// A long note people write: `words` words of ordinary length.
std::string prose(std::size_t words, std::mt19937& random) {
  static const char* kWords[] = {"Sam",   "said",  "school", "was",   "better", "now",
                                 "and",   "his",   "carer",  "helps", "with",   "reading",
                                 "every", "night", "before", "bed",   "he",     "wants",
                                 "to",    "see",   "mum",    "more",  "often",  "at"};
  std::string text;
  for (std::size_t i = 0; i < words; ++i) {
    if (i) text += (i % 12 == 0) ? ".\n" : " ";
    text += kWords[random() % std::size(kWords)];
  }
  return text;
}

// `edits` words of `text` replaced, at random places.
std::string edited(std::string text, int edits, const char* marker, std::mt19937& random) {
  for (int i = 0; i < edits; ++i) {
    const std::size_t at = text.find(' ', random() % text.size());
    if (at == std::string::npos) continue;
    text.insert(at, std::string(" ") + marker + std::to_string(i));
  }
  return text;
}

}  // namespace

int main() {
  std::mt19937 random(7);
  const std::string note = prose(10'000, random);
  const std::string ours = edited(note, 5, "ours", random);
  const std::string theirs = edited(note, 5, "theirs", random);
  iro::MergeBudget budget(iro::kMergeStepsPerPush);
  auto start = Clock::now();
  const iro::TextMerge merged = iro::merge_text(note, ours, theirs, budget);
  const double everyday_ms = ms_since(start);
  const double used = double(iro::kMergeStepsPerPush - budget.left());
  iro::bench::print_figure("merge of a 10,000-word note, 5 edits a side", everyday_ms, "ms", "null",
                           merged.clean ? "true" : "false");
  iro::bench::print_figure("share of the push's merge budget it used",
                           100.0 * used / double(iro::kMergeStepsPerPush), "%", "null", "null");

  // A push of everyday merges of the longest notes, until its budget says
  // no more: the most merging one push can cost the server's writer.
  std::string longest;
  while (longest.size() + 80 < iro::kMaxTextBytes) longest += prose(12, random) + "\n";
  iro::MergeBudget full(iro::kMergeStepsPerPush);
  int fitted = 0;
  start = Clock::now();
  for (int i = 0; i < 1000; ++i) {
    const iro::TextMerge one = iro::merge_text(longest, edited(longest, 10, "ours", random),
                                               edited(longest, 10, "theirs", random), full);
    if (one.over_budget) break;
    ++fitted;
  }
  const double edge_ms = ms_since(start);
  iro::bench::print_figure("merges of 64 KiB notes, 10 edits a side, one push's budget holds",
                           fitted, "merges", "null", "null");
  iro::bench::print_figure("time they took, the most a push's merging costs", edge_ms, "ms", "200",
                           edge_ms <= 200 ? "true" : "false");

  const std::string base = iro::test::costly_text(0, iro::kMaxTextBytes);
  const std::string current = iro::test::costly_text(1, iro::kMaxTextBytes);
  const std::string incoming = iro::test::costly_text(2, iro::kMaxTextBytes);
  iro::MergeBudget one_push(iro::kMergeStepsPerPush);
  start = Clock::now();
  const iro::TextMerge refused = iro::merge_text(base, current, incoming, one_push);
  const double bounded_ms = ms_since(start);
  iro::bench::print_figure("worst 64 KiB merge within one push's budget", bounded_ms, "ms", "100",
                           bounded_ms <= 100 ? "true" : "false");
  iro::bench::print_figure("of which kept as a conflict without diffing",
                           refused.over_budget ? 1 : 0, "merges", "null", "null");

  iro::MergeBudget unbounded(~std::uint64_t{0} / 4);
  start = Clock::now();
  iro::merge_text(base, current, incoming, unbounded);
  iro::bench::print_figure("the same merge with no budget", ms_since(start), "ms", "null", "null");
  return 0;
}
