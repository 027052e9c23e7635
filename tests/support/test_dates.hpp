// A date written as the tests read it, "2024-05-01".
#pragma once

#include "iro/date.hpp"

namespace iro::test {

inline Date day(const char* iso) {
  return *Date::parse(iso);
}

}  // namespace iro::test
