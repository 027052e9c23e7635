#include "server/test_store.hpp"

#include <cstdlib>
#include <fstream>
#include <functional>
#include <regex>
#include <stdexcept>

#include "store/pg.hpp"
#include "store/sqlite.hpp"
#include "store/sqlite_server_store.hpp"
#include "store/store_location.hpp"

namespace iro::test {
namespace {

std::string cluster_url() {
  const char* file = std::getenv("IRO_TEST_PG_URL_FILE");
  if (file == nullptr) return {};
  std::ifstream in(file);
  std::string url;
  if (!std::getline(in, url) || url.empty()) {
    throw std::runtime_error(std::string("no PostgreSQL URL in ") + file +
                             " (did the pg/ cluster fixture start?)");
  }
  return url;
}

// Each test directory is unique (a fresh temp dir), so its schema is too.
std::string schema_for(const std::filesystem::path& dir) {
  return "t" + std::to_string(std::hash<std::string>{}(dir.string()));
}

// The cluster's URL with the test's schema first in the search path (made
// when missing).
std::string schema_url(const std::filesystem::path& dir) {
  const std::string url = cluster_url();
  const std::string schema = schema_for(dir);
  pg::Connection(url).execute("CREATE SCHEMA IF NOT EXISTS " + schema);
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         schema;
}

}  // namespace

bool testing_postgres() {
  return std::getenv("IRO_TEST_PG_URL_FILE") != nullptr;
}

std::unique_ptr<server::ServerStore> open_test_store(const std::filesystem::path& dir) {
  // Not durable on SQLite: the tests never pull the plug, and an fsync per
  // commit only slows them (the cluster runs with fsync off likewise).
  if (!testing_postgres()) return server::open_sqlite_server_store(dir, {.durable = false});
  return server::open_server_store({.data_dir = {}, .url = schema_url(dir)});
}

std::vector<std::string> test_store_options(const std::filesystem::path& dir) {
  if (!testing_postgres()) return {"--data", dir.string()};
  return {"--store", schema_url(dir)};
}

std::int64_t query_test_store(const std::filesystem::path& dir, std::string_view sql) {
  if (!testing_postgres()) {
    sqlite::Database database(dir / "iro-server.db");
    return database.query_int(sql);
  }
  // The one table named differently: "user" is a reserved word in PostgreSQL.
  const std::string translated =
      std::regex_replace(std::string(sql), std::regex("\\bFROM user\\b"), "FROM app_user");
  pg::Connection connection(schema_url(dir));
  const pg::Result result = connection.query(translated);
  return result.is_null(0, 0) ? 0 : result.int64(0, 0);
}

void execute_in_test_store(const std::filesystem::path& dir, std::string_view sql) {
  if (!testing_postgres()) {
    sqlite::Database(dir / "iro-server.db").execute(sql);
  } else {
    pg::Connection(schema_url(dir)).execute(sql);
  }
}

}  // namespace iro::test
