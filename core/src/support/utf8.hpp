// UTF-8 checks for text that arrives from users, devices and files.
#pragma once

#include <string_view>

namespace iro {

// True for well-formed UTF-8 (no overlong forms, surrogates or code points
// past U+10FFFF). Text that is not cannot be exported as JSON or shown.
bool is_valid_utf8(std::string_view text) noexcept;

// True when the text holds a control character other than tab, newline and
// carriage return (those belong in prose; the rest are corruption).
bool has_control_characters(std::string_view text) noexcept;

}  // namespace iro
