#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "iro/hex.hpp"

TEST_CASE("hex: lower case out, either case in, and anything else refused") {
  const std::vector<std::uint8_t> bytes = {0x00, 0x0f, 0xa5, 0xff};
  CHECK(iro::hex_encode(bytes) == "000fa5ff");
  CHECK(iro::hex_encode({}) == "");
  CHECK(iro::hex_decode("000fa5ff") == bytes);
  CHECK(iro::hex_decode("000FA5FF") == bytes);
  CHECK(iro::hex_decode("") == std::vector<std::uint8_t>{});
  CHECK_FALSE(iro::hex_decode("abc").has_value());  // odd length
  CHECK_FALSE(iro::hex_decode("0g").has_value());   // not a digit
  CHECK_FALSE(iro::hex_decode("0 ").has_value());
}
