// The server store engine a test runs on. Suites that start servers are run
// twice by ctest: on the embedded SQLite store ("server/...", "e2e/...") and
// on PostgreSQL ("pg/...", "e2e-pg/..."), in a throwaway cluster the
// "pg/start a throwaway PostgreSQL cluster" fixture starts
// (scripts/pg-cluster), whose URL is in the file named by IRO_TEST_PG_URL_FILE.
//
// A test names its server's store by a directory: SQLite's file in it, or
// on PostgreSQL a schema of its own named after it, so that a server
// restarted on the same directory finds the same records.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace iro::test {

// True when the tests run on PostgreSQL.
bool testing_postgres();

// The store as iro-server's options name it: {"--data", DIR} or
// {"--store", URL} (the URL's search path names the directory's schema,
// made on first use).
std::vector<std::string> test_store_options(const std::filesystem::path& dir);

// `binary admin <store options> args...`: an admin command on the directory's store.
std::vector<std::string> admin_command(const std::string& binary, const std::filesystem::path& dir,
                                       const std::vector<std::string>& args);

// The libpq URL of the directory's schema (PostgreSQL runs only).
std::string test_store_url(const std::filesystem::path& dir);

// One number read straight from the store's tables, bypassing the server,
// e.g. "SELECT count(*) FROM history" (SQL both engines read alike).
std::int64_t query_test_store(const std::filesystem::path& dir, std::string_view sql);
// Runs raw SQL on the store's tables (as someone with the file or database
// would); throws std::runtime_error with the engine's message when it fails.
void execute_in_test_store(const std::filesystem::path& dir, std::string_view sql);

}  // namespace iro::test
