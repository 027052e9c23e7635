// Which iro::Error an action throws, for tests that check refusals by code.
#pragma once

#include <doctest/doctest.h>

#include "iro/error.hpp"

namespace iro::test {

// The Error `action` throws; fails the test when it throws none.
template <typename Action>
Error error_of(Action action) {
  try {
    action();
  } catch (const Error& error) {
    return error;
  }
  FAIL("expected an error");
  return Error(ErrorCode::internal, "none");
}

// The code of the Error `action` throws; fails the test when it throws none.
template <typename Action>
ErrorCode error_code_of(Action action) {
  return error_of(action).code();
}

}  // namespace iro::test
