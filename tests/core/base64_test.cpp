#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "iro/base64.hpp"

namespace {

std::vector<std::uint8_t> bytes_of(std::string_view text) {
  return {text.begin(), text.end()};
}

}  // namespace

TEST_CASE("base64: RFC 4648's examples both ways") {
  const std::pair<std::string_view, std::string_view> examples[] = {{"", ""},
                                                                    {"f", "Zg=="},
                                                                    {"fo", "Zm8="},
                                                                    {"foo", "Zm9v"},
                                                                    {"foob", "Zm9vYg=="},
                                                                    {"fooba", "Zm9vYmE="},
                                                                    {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : examples) {
    CHECK(iro::base64_encode(bytes_of(plain)) == encoded);
    CHECK(iro::base64_decode(encoded) == bytes_of(plain));
  }
}

TEST_CASE("base64: every byte value survives the round trip") {
  std::vector<std::uint8_t> all;
  for (int value = 0; value < 256; ++value) all.push_back(static_cast<std::uint8_t>(value));
  CHECK(iro::base64_decode(iro::base64_encode(all)) == all);
}

TEST_CASE("base64: text that is not padded base64 is refused") {
  for (const std::string_view bad :
       {"Zg", "Zg=", "Z===", "Zh==", "Zm9=", "Zm 9v", "Zm9v\n", "Zm-v", "Zm9v====", "=Zm9"}) {
    CAPTURE(bad);
    CHECK_FALSE(iro::base64_decode(bad).has_value());
  }
}
