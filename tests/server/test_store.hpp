// The server tests' store, on the engine the run tests (support/test_store.hpp):
// the suite runs as "server/..." on SQLite and "pg/..." on PostgreSQL.
#pragma once

#include <filesystem>
#include <memory>

#include "store/server_store.hpp"
#include "support/test_store.hpp"

namespace iro::test {

// The store for a test's directory: SQLite's file in `dir`, or a PostgreSQL
// schema of its own, named after `dir`, so that opening the same directory
// again reopens the same records.
std::unique_ptr<server::ServerStore> open_test_store(const std::filesystem::path& dir);

}  // namespace iro::test
