// The token a device was given at enrolment, read from its store, for tests
// that present it (or a forgery of it) on a raw connection.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "store/sqlite.hpp"
#include "support/server_process.hpp"

namespace iro::test {

inline std::string token_of(const DeviceProcess& device) {
  sqlite::Database raw(device.db());
  auto statement = raw.cached("SELECT value FROM meta WHERE key = 'device_token'");
  REQUIRE(statement.step());
  return statement.text(0);
}

}  // namespace iro::test
