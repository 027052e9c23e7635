// Device tokens and enrolment codes: made from OpenSSL's CSPRNG, stored only
// as SHA-256 hashes, so a copy of the server's database opens no device.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace iro::server {

// The bytes as lower-case hex.
std::string to_hex(std::span<const unsigned char> bytes);

// The value of one hex digit (either case), or -1.
int hex_digit(char c) noexcept;

// Hex (either case) back to bytes; empty when it is not whole pairs of hex digits.
std::vector<unsigned char> from_hex(std::string_view hex);

// `bytes` random bytes as lower-case hex.
std::string random_hex(std::size_t bytes);

// 32 random bytes as 64 hex characters: the secret a device presents in Hello
// (and a browser's session cookie).
std::string new_device_token();

// A one-time enrolment code an admin reads out or sends: 12 characters from
// an alphabet without look-alikes (no 0/O, 1/I/L), shown as XXXX-XXXX-XXXX.
std::string new_enrolment_code();

// Upper-cases and drops separators, so "abcd-efgh-jkmn" and "ABCDEFGHJKMN" match.
std::string normalised_code(std::string_view code);

// Lower-case hex SHA-256 of the text.
std::string sha256_hex(std::string_view text);

}  // namespace iro::server
