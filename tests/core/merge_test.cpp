#include "iro/merge.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <set>
#include <sstream>

using namespace iro;

namespace {

// The merged text, or "CONFLICT" when the edits overlap.
std::string merged(std::string_view base, std::string_view current, std::string_view incoming) {
  const TextMerge result = merge_text(base, current, incoming);
  return result.clean ? result.text : "CONFLICT";
}

FieldVersion version(Value value, std::uint64_t ms, std::string device) {
  return FieldVersion{std::move(value), Hlc::from_parts(ms, 0), std::move(device)};
}

}  // namespace

TEST_CASE("a typo fixed on one device and a paragraph added on another both survive") {
  const std::string base = "Visited Jay at schol. Jay said things are going well.";
  const std::string laptop = "Visited Jay at school. Jay said things are going well.";
  const std::string tablet =
      "Visited Jay at schol. Jay said things are going well.\nJay wants nan at the review.";
  CHECK(merged(base, laptop, tablet) ==
        "Visited Jay at school. Jay said things are going well.\nJay wants nan at the review.");
  // Whichever arrived first.
  CHECK(merged(base, tablet, laptop) == merged(base, laptop, tablet));
}

TEST_CASE("edits of different words separated by a space both apply") {
  CHECK(merged("one two three four", "one TWO three four", "one two three FOUR") ==
        "one TWO three FOUR");
  CHECK(merged("one two three", "one two", "zero one two three") == "zero one two");
}

TEST_CASE("edits of the same word, or touching words, overlap") {
  CHECK(merged("seen at home", "seen at HOME", "seen at house") == "CONFLICT");
  CHECK(merged("seen at home", "seen at home today", "seen at home yesterday") == "CONFLICT");
}

TEST_CASE("a word deleted on one side and rewritten or added to on the other overlap") {
  CHECK(merged("a b c", "a c", "a B c") == "CONFLICT");
  CHECK(merged("a b c", "a c", "a b x c") == "CONFLICT");
  // Not "w0 w1 w2X": a deletion of " w3" and a rewrite of "w3" never glue words together.
  CHECK(merged("w0 w1 w2 w3", "w0 w1 w2 X", "w0 w1 w2") == "CONFLICT");
}

TEST_CASE("the same edit made on both sides is not a conflict") {
  CHECK(merged("seen at home", "seen at home, happy", "seen at home, happy") ==
        "seen at home, happy");
  CHECK(merged("a b c d", "a B c D", "a B c d") == "a B c D");
}

TEST_CASE("one side unchanged: the other side's text is taken whole") {
  CHECK(merged("base text", "base text", "new text entirely") == "new text entirely");
  CHECK(merged("base text", "new text entirely", "base text") == "new text entirely");
  CHECK(merged("", "", "first words") == "first words");
}

TEST_CASE("both sides writing into an empty base overlap unless they agree") {
  CHECK(merged("", "tablet words", "laptop words") == "CONFLICT");
  CHECK(merged("", "same words", "same words") == "same words");
}

TEST_CASE("whitespace, line breaks and non-ASCII text are kept byte for byte") {
  const std::string base = "Zoë said:\n\n  “I like my school”\tand 👍";
  const std::string current = "Zoë said:\n\n  “I love my school”\tand 👍";
  const std::string incoming = "Zoë (aged 9) said:\n\n  “I like my school”\tand 👍";
  CHECK(merged(base, current, incoming) == "Zoë (aged 9) said:\n\n  “I love my school”\tand 👍");
}

TEST_CASE("sets: the incoming side's additions and removals apply, and additions win") {
  const StringSet base = {"carer", "social worker"};
  // Current added "nan"; incoming removed "carer" and added "teacher".
  CHECK(merge_sets(base, {"carer", "nan", "social worker"}, {"social worker", "teacher"}) ==
        StringSet{"nan", "social worker", "teacher"});
  // Incoming removes a member the current side added concurrently: never seen, so it stays.
  CHECK(merge_sets({}, {"advocate"}, {}) == StringSet{"advocate"});
  // Both add the same member: once.
  CHECK(merge_sets({}, {"nan"}, {"nan"}) == StringSet{"nan"});
  // Current removed a member the incoming side still holds from the base: it stays removed.
  CHECK(merge_sets({"carer", "nan"}, {"nan"}, {"carer", "nan"}) == StringSet{"nan"});
}

TEST_CASE("last writer wins by HLC, the device id breaking a tie") {
  const FieldSpec venue{"venue", FieldType::line};
  CHECK(decide_field(venue, version("Office", 1000, "A"), version("Home", 2000, "B")) ==
        MergeDecision::take_incoming);
  CHECK(decide_field(venue, version("Office", 2000, "A"), version("Home", 1000, "B")) ==
        MergeDecision::keep_current);
  CHECK(decide_field(venue, version("Office", 1000, "A"), version("Home", 1000, "B")) ==
        MergeDecision::take_incoming);
  CHECK(decide_field(venue, version("Office", 1000, "B"), version("Home", 1000, "A")) ==
        MergeDecision::keep_current);
}

TEST_CASE("a status only moves forward along its lifecycle, whatever the clocks say") {
  static constexpr std::string_view kLifecycle[] = {"draft", "submitted", "approved", "issued"};
  FieldSpec status{"status", FieldType::status};
  status.choices = kLifecycle;
  CHECK(decide_field(status, version("approved", 1000, "A"), version("submitted", 9000, "B")) ==
        MergeDecision::keep_current);
  CHECK(decide_field(status, version("approved", 9000, "A"), version("issued", 1000, "B")) ==
        MergeDecision::take_incoming);
}

TEST_CASE("a tablet a year fast is too far ahead, and a few minutes of drift is not") {
  const std::uint64_t now = 1'714'550'400'000;
  const std::uint64_t year = 365ull * 24 * 60 * 60 * 1000;
  CHECK(is_too_far_ahead(Hlc::from_parts(now + year, 0), now));
  CHECK(is_too_far_ahead(Hlc::from_parts(now + kMaxClockAheadMs + 1, 0), now));
  CHECK_FALSE(is_too_far_ahead(Hlc::from_parts(now + 60'000, 0), now));
  CHECK_FALSE(is_too_far_ahead(Hlc::from_parts(now - year, 0), now));
}

TEST_CASE("a delete takes effect only if the deleting device had seen every edit") {
  CHECK(delete_takes_effect(10, 10));
  CHECK(delete_takes_effect(12, 10));
  CHECK_FALSE(delete_takes_effect(9, 10));
}

namespace {

// One side's random edit of a list of words: inserts fresh words (named
// after the side, so each is unique), deletes some, rewrites some.
std::vector<std::string> edited(std::vector<std::string> words, std::mt19937& random,
                                const std::string& side, std::set<std::string>& inserted,
                                std::set<std::string>& deleted) {
  const int edits = std::uniform_int_distribution<int>(1, 4)(random);
  for (int i = 0; i < edits; ++i) {
    const auto at = std::uniform_int_distribution<std::size_t>(0, words.size())(random);
    const int what = std::uniform_int_distribution<int>(0, 2)(random);
    if (what == 0 || words.empty() || at == words.size()) {
      const std::string word = side + std::to_string(i) + "_" + std::to_string(at);
      inserted.insert(word);
      words.insert(words.begin() + static_cast<std::ptrdiff_t>(at), word);
    } else {
      // A side may delete a word it typed itself a moment ago: that one is simply gone.
      if (inserted.erase(words[at]) == 0) deleted.insert(words[at]);
      if (what == 1) {
        words.erase(words.begin() + static_cast<std::ptrdiff_t>(at));
      } else {
        words[at] = side + std::to_string(i) + "_" + std::to_string(at) + "r";
        inserted.insert(words[at]);
      }
    }
  }
  return words;
}

std::string joined_words(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : " ") + word;
  return text;
}

std::set<std::string> words_in(const std::string& text) {
  std::set<std::string> words;
  std::istringstream in(text);
  for (std::string word; in >> word;) words.insert(word);
  return words;
}

}  // namespace

TEST_CASE("a clean merge keeps every word either side typed and every word neither deleted") {
  int clean = 0;
  for (std::uint32_t seed = 1; seed <= 2000; ++seed) {
    CAPTURE(seed);
    std::mt19937 random(seed);
    std::vector<std::string> base;
    const int length = std::uniform_int_distribution<int>(0, 12)(random);
    for (int i = 0; i < length; ++i) base.push_back("w" + std::to_string(i));
    std::set<std::string> inserted, deleted;
    const auto current = joined_words(edited(base, random, "c", inserted, deleted));
    const auto incoming = joined_words(edited(base, random, "i", inserted, deleted));
    const TextMerge result = merge_text(joined_words(base), current, incoming);
    if (!result.clean) continue;
    ++clean;
    const auto present = words_in(result.text);
    for (const auto& word : present) {
      // Nothing made up: no two words glued together, no half words.
      const bool from_base = std::find(base.begin(), base.end(), word) != base.end();
      CHECK_MESSAGE((from_base || inserted.count(word) == 1), word << " appeared from nowhere");
    }
    for (const auto& word : inserted) {
      // A word one side typed survives unless the other side typed over it... which it
      // cannot have seen: words are fresh, so every inserted word must be there.
      CHECK_MESSAGE(present.count(word) == 1, word << " lost from \"" << result.text << "\"");
    }
    for (const auto& word : base) {
      if (deleted.count(word) == 0) CHECK_MESSAGE(present.count(word) == 1, word << " lost");
    }
  }
  MESSAGE(clean << " of 2000 random edit pairs merged cleanly");
  CHECK(clean > 300);  // the rest overlapped; both kinds are exercised
}

TEST_CASE("a merge that does not fit the budget is not attempted: a conflict, said to be so") {
  // Every other separator differs between the sides: thousands of edits.
  std::string base, current, incoming;
  for (int i = 0; i < 4000; ++i) {
    base += "a ";
    current += i % 2 ? "a  " : "a ";
    incoming += i % 3 ? "a  " : "a ";
  }
  // Enough for the diff's fixed part and a count of a few dozen edits.
  MergeBudget small(6'000'000);
  const TextMerge refused = merge_text(base, current, incoming, small);
  CHECK_FALSE(refused.clean);
  CHECK(refused.over_budget);
  CHECK(small.merges_refused() == 1);
  CHECK(small.left() < 6'000'000);  // what the count looked at is spent
  // The budget is shared: once spent, even a small merge is not attempted...
  MergeBudget spent(0);
  const TextMerge after = merge_text("one two three", "one 2 three", "one two 3", spent);
  CHECK(after.over_budget);
  // ...and a fresh one merges it, as without a budget.
  const TextMerge fresh = merge_text("one two three", "one 2 three", "one two 3");
  CHECK(fresh.clean);
  CHECK(fresh.text == "one 2 3");
  CHECK_FALSE(fresh.over_budget);
}

TEST_CASE("an everyday edit of the longest note fits one push's budget many times over") {
  std::string base;
  while (base.size() + 8 < kMaxTextBytes) base += "Sam said ";
  std::string ours = base, theirs = base;
  ours.replace(9, 4, "told");
  theirs.replace(theirs.size() - 5, 4, "sang");
  MergeBudget budget(kMergeStepsPerPush);
  const TextMerge merged = merge_text(base, ours, theirs, budget);
  CHECK(merged.clean);
  CHECK(budget.left() > kMergeStepsPerPush / 2);
}
