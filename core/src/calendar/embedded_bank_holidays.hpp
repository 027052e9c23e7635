// The shipped bank holiday data, compiled in: core/CMakeLists.txt generates
// the definition from data/bank-holidays-england-wales.csv at build time.
#pragma once

#include <string_view>

namespace iro::detail {

// The CSV text exactly as it is in the file. Static storage; never null.
std::string_view embedded_bank_holidays_csv() noexcept;

}  // namespace iro::detail
