#include "iro/document.hpp"

namespace iro {

const Value* Document::field(std::string_view name) const {
  const auto found = fields.find(name);
  return found == fields.end() ? nullptr : &found->second;
}

bool Document::locked() const {
  const KindSchema& schema = schema_for(kind);
  if (schema.locked_status.empty()) return false;
  const Value* status = field(kStatusField);
  const auto* code = status ? std::get_if<std::string>(status) : nullptr;
  return code && *code == schema.locked_status;
}

std::string conflict_slot(std::string_view field, std::uint64_t number) {
  return std::string(field) + kConflictSlotMark + std::to_string(number);
}

bool is_conflict_slot(std::string_view name) noexcept {
  return name.find(kConflictSlotMark) != std::string_view::npos;
}

std::string_view field_of_slot(std::string_view slot) noexcept {
  return slot.substr(0, slot.find(kConflictSlotMark));
}

bool is_valid_child_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!allowed) return false;
  }
  return true;
}

}  // namespace iro
