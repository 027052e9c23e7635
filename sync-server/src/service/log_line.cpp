#include "service/log_line.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace iro::server {
namespace {

constexpr std::size_t kMaxValueBytes = 200;

void append_value(std::string& line, std::string_view value) {
  value = value.substr(0, kMaxValueBytes);
  const bool quoted = value.empty() || std::any_of(value.begin(), value.end(), [](char c) {
                        return c == ' ' || c == '"' || c == '=' || c == '\\' ||
                               static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
                      });
  if (quoted) line += '"';
  for (const char c : value) {
    if (c == '"' || c == '\\') {
      line += '\\';
      line += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      line += ' ';
    } else {
      line += c;
    }
  }
  if (quoted) line += '"';
}

}  // namespace

std::string logfmt(std::string_view event, std::initializer_list<LogField> fields) {
  std::string line = "event=";
  append_value(line, event);
  for (const auto& [key, value] : fields) {
    line += ' ';
    line += key;
    line += '=';
    append_value(line, value);
  }
  return line;
}

std::string next_connection_id() {
  static const std::string process =
      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count());
  static std::atomic<std::uint64_t> count{0};
  return process + "-" + std::to_string(++count);
}

}  // namespace iro::server
