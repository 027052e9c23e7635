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
