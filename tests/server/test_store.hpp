// The engine the server tests run on. The suite is run twice by ctest:
// "server/..." on the embedded SQLite store, "pg/..." on PostgreSQL, in a
// throwaway cluster the "pg/start a throwaway PostgreSQL cluster" fixture
// starts (scripts/pg-cluster), whose URL is in the file named by
// IRO_TEST_PG_URL_FILE.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/server_store.hpp"

namespace iro::test {

// True when the tests run on PostgreSQL.
bool testing_postgres();

// The store for a test's directory: SQLite's file in `dir`, or a PostgreSQL
// schema of its own, named after `dir`, so that opening the same directory
// again reopens the same records.
std::unique_ptr<server::ServerStore> open_test_store(const std::filesystem::path& dir);
// The same store as iro-server's options name it: {"--data", DIR} or
// {"--store", URL}.
std::vector<std::string> test_store_options(const std::filesystem::path& dir);

// One number read straight from the store's tables, bypassing the store,
// e.g. "SELECT count(*) FROM history" (SQL both engines read alike).
std::int64_t query_test_store(const std::filesystem::path& dir, std::string_view sql);
// Runs raw SQL on the store's tables (as someone with the file or database
// would); throws iro::Error with the engine's message when it fails.
void execute_in_test_store(const std::filesystem::path& dir, std::string_view sql);

}  // namespace iro::test
