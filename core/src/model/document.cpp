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
