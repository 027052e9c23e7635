#include "key_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "iro/error.hpp"

namespace iro::cli {
namespace {

// A key file is small; anything larger is the wrong file, not a key.
constexpr std::size_t kMaxKeyFileBytes = 1024;

[[noreturn]] void refuse(const std::filesystem::path& path, const std::string& why) {
  throw Error(ErrorCode::invalid_input, "--key-file " + path.string() + ": " + why);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trimmed(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

}  // namespace

EncryptionKey read_key_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) refuse(path, std::string("cannot read it (") + std::strerror(errno) + ")");
  std::string content;
  content.reserve(kMaxKeyFileBytes);
  std::istreambuf_iterator<char> it(file);
  for (; it != std::istreambuf_iterator<char>() && content.size() <= kMaxKeyFileBytes; ++it) {
    content.push_back(*it);
  }
  if (file.bad()) refuse(path, "cannot read it");

  EncryptionKey key{};
  if (content.size() == key.size()) {  // raw bytes
    std::copy(content.begin(), content.end(), key.begin());
    return key;
  }
  const std::string_view hex = trimmed(content);
  if (hex.size() != 2 * key.size()) {
    refuse(path,
           "a key is 64 hex digits or 32 raw bytes; this file holds " +
               (content.size() > kMaxKeyFileBytes ? std::string("more than 1 KiB")
                                                  : std::to_string(content.size()) + " bytes"));
  }
  for (std::size_t i = 0; i < key.size(); ++i) {
    const int high = hex_digit(hex[2 * i]);
    const int low = hex_digit(hex[2 * i + 1]);
    if (high < 0 || low < 0)
      refuse(path, "a key is 64 hex digits; this file holds other characters");
    key[i] = std::uint8_t(high << 4 | low);
  }
  return key;
}

}  // namespace iro::cli
