#include "iro/error.hpp"

namespace iro {

std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::invalid_input:
      return "invalid_input";
    case ErrorCode::not_found:
      return "not_found";
    case ErrorCode::record_locked:
      return "record_locked";
    case ErrorCode::corrupt_data:
      return "corrupt_data";
    case ErrorCode::unsupported_version:
      return "unsupported_version";
    case ErrorCode::storage_failure:
      return "storage_failure";
    case ErrorCode::storage_busy:
      return "storage_busy";
    case ErrorCode::schema_too_new:
      return "schema_too_new";
    case ErrorCode::internal:
      return "internal";
    case ErrorCode::wrong_key:
      return "wrong_key";
    case ErrorCode::network:
      return "network";
    case ErrorCode::refused:
      return "refused";
    case ErrorCode::lease_expired:
      return "lease_expired";
    case ErrorCode::not_allowed:
      return "not_allowed";
  }
  return "unknown";
}

}  // namespace iro
