// libFuzzer target: the council's children CSV (iro-server admin
// import-children). Any text gives rows kept and rows refused by line
// number, or iro::Error for a file it cannot read at all; never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "iro/date.hpp"
#include "iro/error.hpp"
#include "service/children_csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view csv(reinterpret_cast<const char*>(data), size);
  try {
    (void)iro::server::parse_children_csv(csv, iro::Date::from_ymd(2026, 11, 23));
  } catch (const iro::Error&) {
  }
  return 0;
}
