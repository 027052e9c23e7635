// Text that is as costly as text can be to merge: one-letter words whose
// separators (one space or two) are drawn at random from `pattern`, so a
// diff between two such texts of different patterns has edits all through
// it and no long runs in common. Unbounded, one three-way merge of three
// 64 KiB such texts takes seconds. For tests and the bench of the merge
// budget (iro/merge.hpp).
#pragma once

#include <cstddef>
#include <random>
#include <string>

namespace iro::test {

inline std::string costly_text(int pattern, std::size_t bytes) {
  std::mt19937 separators(static_cast<unsigned>(pattern) + 1);
  std::string text;
  for (std::size_t i = 0; text.size() + 3 < bytes; ++i) {
    text += char('a' + i % 26);
    text += separators() % 2 ? "  " : " ";
  }
  return text;
}

}  // namespace iro::test
