# Writes a C++ source that holds the bank holiday data as a string, so the
# library carries the calendar with it and a device needs no file at run time.
# Run at build time by core/CMakeLists.txt whenever the CSV changes:
#   cmake -DINPUT=holidays.csv -DOUTPUT=embedded_bank_holidays.cpp -P embed_bank_holidays.cmake
if(NOT INPUT OR NOT OUTPUT)
  message(FATAL_ERROR "embed_bank_holidays.cmake needs -DINPUT=<csv> and -DOUTPUT=<cpp>")
endif()

file(READ "${INPUT}" content)
set(delimiter "iro_holidays")
string(FIND "${content}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )${delimiter}\"")
endif()

set(source "// Generated from ${INPUT} by core/cmake/embed_bank_holidays.cmake.
// Do not edit: edit the CSV and rebuild.
#include \"calendar/embedded_bank_holidays.hpp\"

namespace iro::detail {

std::string_view embedded_bank_holidays_csv() noexcept {
  static constexpr char kCsv[] = R\"${delimiter}(${content})${delimiter}\";
  return {kCsv, sizeof kCsv - 1};
}

}  // namespace iro::detail
")

file(WRITE "${OUTPUT}" "${source}")
