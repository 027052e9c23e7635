#include "iro/value.hpp"

#include <algorithm>

namespace iro {

StringSet normalised_set(StringSet members) {
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  return members;
}

namespace {

std::string shortened(std::string text, std::size_t max_chars) {
  if (text.size() <= max_chars) return text;
  // Cut on a UTF-8 character boundary so messages stay valid text.
  std::size_t cut = max_chars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) --cut;
  text.resize(cut);
  return text + "...";
}

}  // namespace

std::string describe(const Value& value, std::size_t max_chars) {
  struct Describer {
    std::size_t max_chars;
    std::string operator()(std::monostate) const { return "(unset)"; }
    std::string operator()(bool flag) const { return flag ? "yes" : "no"; }
    std::string operator()(std::int64_t number) const { return std::to_string(number); }
    std::string operator()(const std::string& text) const { return shortened(text, max_chars); }
    std::string operator()(const Date& date) const { return date.to_string(); }
    std::string operator()(const StringSet& members) const {
      std::string joined;
      for (const auto& member : members) {
        if (!joined.empty()) joined += ", ";
        joined += member;
      }
      return shortened("{" + joined + "}", max_chars);
    }
  };
  return std::visit(Describer{max_chars}, value);
}

}  // namespace iro
