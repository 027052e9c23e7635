// The bookkeeping behind "no typed word is lost" (server/no_lost_words_test
// and the simulation, sim/): every word a simulated IRO types is new and
// unique, and every word an IRO removes on purpose (an edit, or a conflict
// settled one way) is noted, so a check can tell a lost word from a deleted one.
#pragma once

#include <algorithm>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "iro/value.hpp"

namespace iro::test {

inline std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::istringstream in{std::string(text)};
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

inline std::string text_of(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : " ") + word;
  return text;
}

// The text of a field, or "" when it is unset or not text.
inline std::string text_value(const Value* value) {
  const auto* text = value ? std::get_if<std::string>(value) : nullptr;
  return text ? *text : std::string();
}

class TypedWords {
 public:
  // A word nobody typed before, marked with the device that types it.
  std::string fresh(std::size_t device) {
    std::string word = "d" + std::to_string(device) + "w" + std::to_string(m_typed.size());
    m_typed.insert(word);
    return word;
  }

  // The IRO edits a note on one device: 1-3 times inserts, deletes or rewrites a word.
  void edit(std::vector<std::string>& words, std::size_t device, std::mt19937& random) {
    for (int edits = pick(random, 1, 3); edits > 0; --edits) {
      const auto at = static_cast<std::size_t>(pick(random, 0, static_cast<int>(words.size())));
      const int what = pick(random, 0, 3);
      if (what <= 1 || at == words.size()) {
        words.insert(words.begin() + static_cast<std::ptrdiff_t>(at), fresh(device));
      } else {
        m_deleted.insert(words[at]);
        if (what == 2) {
          words.erase(words.begin() + static_cast<std::ptrdiff_t>(at));
        } else {
          words[at] = fresh(device);
        }
      }
    }
    if (words.empty()) words.push_back(fresh(device));
  }

  // The IRO settles a conflict between the note's words and the losing ones:
  // usually keeps every word, sometimes takes one side (the words dropped are
  // then deleted on purpose). Returns the value to resolve with; nullopt
  // keeps the note as it is.
  std::optional<Value> settle(const std::vector<std::string>& current,
                              const std::vector<std::string>& losing, std::mt19937& random) {
    const auto has = [](const std::vector<std::string>& words, const std::string& word) {
      return std::find(words.begin(), words.end(), word) != words.end();
    };
    const int how = pick(random, 0, 3);
    if (how != 1) m_resettled.insert(losing.begin(), losing.end());
    if (how == 0) {  // take the conflict's words
      for (const auto& word : current) {
        if (!has(losing, word)) m_deleted.insert(word);
      }
      return Value{text_of(losing)};
    }
    if (how == 1) {  // keep the note as it is
      m_deleted.insert(losing.begin(), losing.end());
      return std::nullopt;
    }
    std::vector<std::string> merged = current;  // keep everything
    for (const auto& word : losing) {
      if (!has(merged, word)) merged.push_back(word);
    }
    return Value{text_of(merged)};
  }

  void deleted(const std::string& word) { m_deleted.insert(word); }

  const std::set<std::string>& typed() const { return m_typed; }
  bool was_deleted(const std::string& word) const { return m_deleted.count(word) != 0; }
  // Written into a note again by a settled conflict: two devices that settle
  // the same conflict before they sync each put the words back, and a merge
  // rightly keeps both edits; such a word may then appear twice.
  bool was_resettled(const std::string& word) const { return m_resettled.count(word) != 0; }

 private:
  static int pick(std::mt19937& random, int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(random);
  }

  std::set<std::string> m_typed;
  std::set<std::string> m_deleted;  // removed by an IRO's own edit: allowed to go
  std::set<std::string> m_resettled;
};

}  // namespace iro::test
