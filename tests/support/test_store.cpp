#include "support/test_store.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <stdexcept>

#include "iro/error.hpp"
#include "store/sqlite.hpp"

namespace iro::test {
namespace {

std::string cluster_url() {
  const char* file = std::getenv("IRO_TEST_PG_URL_FILE");
  if (file == nullptr) throw std::logic_error("not testing PostgreSQL");
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

// A libpq connection for the tests' own SQL (the server's store has its own
// wrapper, which e2e tests do not link).
class RawConnection {
 public:
  explicit RawConnection(const std::string& url) : m_conn(PQconnectdb(url.c_str()), &PQfinish) {
    if (PQstatus(m_conn.get()) != CONNECTION_OK) fail("cannot connect");
  }

  // The first column of the last statement's first row, or nullopt.
  std::optional<std::int64_t> run(std::string_view sql) {
    std::unique_ptr<PGresult, decltype(&PQclear)> result(
        PQexec(m_conn.get(), std::string(sql).c_str()), &PQclear);
    const ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(sql);
    if (status != PGRES_TUPLES_OK || PQntuples(result.get()) == 0 ||
        PQgetisnull(result.get(), 0, 0)) {
      return std::nullopt;
    }
    return std::stoll(PQgetvalue(result.get(), 0, 0));
  }

 private:
  [[noreturn]] void fail(std::string_view doing) {
    throw Error(ErrorCode::storage_failure,
                std::string(doing) + ": " + PQerrorMessage(m_conn.get()));
  }

  std::unique_ptr<PGconn, decltype(&PQfinish)> m_conn;
};

// "user" is a reserved word in PostgreSQL: the one table named differently.
std::string for_postgres(std::string_view sql) {
  return std::regex_replace(std::string(sql), std::regex("\\b(FROM|UPDATE) user\\b"),
                            "$1 app_user");
}

}  // namespace

bool testing_postgres() {
  return std::getenv("IRO_TEST_PG_URL_FILE") != nullptr;
}

std::string test_store_url(const std::filesystem::path& dir) {
  const std::string url = cluster_url();
  const std::string schema = schema_for(dir);
  // Made once per directory and process (a test asks for it on every query).
  static std::mutex made_lock;
  static std::set<std::string> made;
  {
    std::lock_guard<std::mutex> hold(made_lock);
    if (made.insert(schema).second) {
      RawConnection(url).run("CREATE SCHEMA IF NOT EXISTS " + schema);
    }
  }
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         schema + "&application_name=" + schema;
}

std::vector<std::string> test_store_options(const std::filesystem::path& dir) {
  if (!testing_postgres()) return {"--data", dir.string()};
  return {"--store", test_store_url(dir)};
}

std::vector<std::string> admin_command(const std::string& binary, const std::filesystem::path& dir,
                                       const std::vector<std::string>& args) {
  std::vector<std::string> command = {binary, "admin"};
  for (std::string& option : test_store_options(dir)) command.push_back(std::move(option));
  command.insert(command.end(), args.begin(), args.end());
  return command;
}

std::int64_t query_test_store(const std::filesystem::path& dir, std::string_view sql) {
  if (!testing_postgres()) return sqlite::Database(dir / "iro-server.db").query_int(sql);
  return RawConnection(test_store_url(dir)).run(for_postgres(sql)).value_or(0);
}

void execute_in_test_store(const std::filesystem::path& dir, std::string_view sql) {
  if (!testing_postgres()) {
    sqlite::Database(dir / "iro-server.db").execute(sql);
  } else {
    RawConnection(test_store_url(dir)).run(for_postgres(sql));
  }
}

}  // namespace iro::test
