#include "iro/merge.hpp"

#include <algorithm>
#include <tuple>

namespace iro {
namespace {

std::ptrdiff_t lifecycle_position(const FieldSpec& spec, const Value& value) {
  const auto* code = std::get_if<std::string>(&value);
  if (code == nullptr) return -1;
  const auto found = std::find(spec.choices.begin(), spec.choices.end(), *code);
  return found == spec.choices.end() ? -1 : found - spec.choices.begin();
}

}  // namespace

bool merges_three_ways(const FieldSpec& spec) noexcept {
  return spec.type == FieldType::text || spec.type == FieldType::set;
}

std::optional<Value> merge_values(const FieldSpec& spec, const Value& base, const Value& current,
                                  const Value& incoming, MergeBudget* budget) {
  if (spec.type == FieldType::set) {
    const auto members = [](const Value& value) {
      const auto* set = std::get_if<StringSet>(&value);
      return set ? *set : StringSet{};
    };
    StringSet merged = merge_sets(members(base), members(current), members(incoming));
    if (merged.empty()) return Value{};
    return Value{std::move(merged)};
  }
  const auto text = [](const Value& value) -> std::string_view {
    const auto* string = std::get_if<std::string>(&value);
    return string ? std::string_view(*string) : std::string_view();
  };
  MergeBudget own_budget(kMergeStepsPerPush);
  TextMerge merged =
      merge_text(text(base), text(current), text(incoming), budget ? *budget : own_budget);
  if (!merged.clean) return std::nullopt;
  if (merged.text.empty()) return Value{};
  return Value{std::move(merged.text)};
}

MergeDecision decide_field(const FieldSpec& spec, const FieldVersion& current,
                           const FieldVersion& incoming) {
  if (spec.type == FieldType::status) {
    return lifecycle_position(spec, incoming.value) > lifecycle_position(spec, current.value)
               ? MergeDecision::take_incoming
               : MergeDecision::keep_current;
  }
  const bool incoming_later =
      std::tie(incoming.hlc, incoming.device_id) > std::tie(current.hlc, current.device_id);
  return incoming_later ? MergeDecision::take_incoming : MergeDecision::keep_current;
}

}  // namespace iro
