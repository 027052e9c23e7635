// What every entry point of the C ABI shares: turning exceptions into a
// status and an error record (guarded), refusing misuse, and copying results
// into buffers the host frees with iro_free.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "iro/iro.h"

namespace iro::bridge {

// A call the host got wrong (a NULL argument, a closed handle, a value out of
// range): IRO_ERR_MISUSE. Thrown by the bridge only, caught by guarded().
class Misuse : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// Writes the error record (when the host gave one) and returns `status`.
iro_status_t report(iro_error_t* error, iro_status_t status, bool transient,
                    std::string_view message);

inline iro_status_t misuse(iro_error_t* error, std::string_view message) {
  return report(error, IRO_ERR_MISUSE, false, message);
}

// Runs `body`, mapping what it throws to a status: iro::Error to its code,
// Misuse to IRO_ERR_MISUSE, anything else to IRO_ERR_INTERNAL. The one place
// exceptions become statuses; nothing escapes into the host's C frames.
iro_status_t guarded_status(iro_error_t* error, void (*call)(void*), void* body);

template <typename Body>
iro_status_t guarded(iro_error_t* error, Body&& body) {
  return guarded_status(
      error, [](void* context) { (*static_cast<Body*>(context))(); }, &body);
}

// The integer a host passed for a C enum parameter. C lets a host pass any
// int; in C++ merely reading an enum object holding a value outside its
// enumerators is undefined, so its bytes are copied out instead.
template <typename Enum>
int enum_value(const Enum& value) {
  std::underlying_type_t<Enum> raw;
  static_assert(sizeof raw == sizeof value);
  std::memcpy(&raw, &value, sizeof raw);
  return static_cast<int>(raw);
}

// Throws Misuse("`name` is required") when `pointer` is NULL.
void require(const void* pointer, const char* name);

// The host's `length` bytes at `bytes` (NULL only with length 0: no bytes);
// throws Misuse for NULL with a length.
std::span<const std::uint8_t> bytes_from_host(const std::uint8_t* bytes, std::size_t length);

// A copy of `text` the host frees with iro_free (malloc, so any C host can free it too).
char* copy_out(std::string_view text);
std::uint8_t* copy_out(const std::vector<std::uint8_t>& bytes);

}  // namespace iro::bridge
