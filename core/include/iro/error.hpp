// The one error type iro_core throws. The C ABI mirrors ErrorCode 1:1, so a
// code is never renumbered; new codes are appended.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace iro {

enum class ErrorCode : int {
  invalid_input = 1,        // the caller's data broke a rule: a bad date, an unknown field...
  not_found = 2,            // no such document (where the caller needed one)
  record_locked = 3,        // an issued letter or a finalised review refuses edits
  corrupt_data = 4,         // bytes that do not decode: truncated, flipped, oversized
  unsupported_version = 5,  // a message or record from a format version this build cannot read
  storage_failure = 6,      // SQLite reported an error (disk full, I/O error, corruption)
  storage_busy = 7,         // another process holds the store's write lock; try again
  schema_too_new = 8,       // the store was written by a newer build
  internal = 9,             // a broken invariant: a bug in iro-sync
  wrong_key = 10,  // the store is encrypted with another key, or needs one it was not given
  network = 11,    // the server could not be reached or the connection failed; try again
  refused = 12,    // the server refused this device (bad token, revoked, not allowed)
  // An encrypted store whose offline lease ran out: its records stay locked
  // until a sync reaches the server (docs/security.md, "A lost tablet").
  lease_expired = 13,
  // Not while the device is in this state: the app's child mode refuses all
  // but the child's form, and too many wrong passphrases wait a while.
  not_allowed = 14,
};

// Stable lower-case name of a code, e.g. "invalid_input".
std::string_view to_string(ErrorCode code) noexcept;

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), m_code(code) {}

  ErrorCode code() const noexcept { return m_code; }

  // True when the same call may succeed if retried later, unchanged.
  bool transient() const noexcept {
    return m_code == ErrorCode::storage_busy || m_code == ErrorCode::network;
  }

 private:
  ErrorCode m_code;
};

}  // namespace iro
