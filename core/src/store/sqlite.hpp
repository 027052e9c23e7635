// A thin RAII layer over the SQLite C API: a connection, prepared statements
// and transactions that roll back unless committed (after SQLiteCpp's
// Transaction). Every failure becomes iro::Error: storage_busy when another
// connection holds the lock (transient), storage_failure otherwise.
//
// Nothing outside core/src/store (and the server's store) includes this.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace iro::sqlite {

class Database;

class Statement {
 public:
  Statement(Database& database, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are numbered from 1, as in SQL's ?1.
  Statement& bind(int index, std::int64_t number);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::span<const std::uint8_t> blob);
  Statement& bind_null(int index);

  template <typename... Args>
  Statement& bind_all(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  // Advances to the next row: true when there is one, false when done.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  // Ready for a new execution, with no parameters bound.
  void reset();

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  std::string text(int column) const;
  std::span<const std::uint8_t> blob(int column) const;  // valid until the next step

 private:
  Database& m_database;
  sqlite3_stmt* m_statement = nullptr;
};

// A cached statement on loan: resets it when the loan ends, so no query left
// half-read keeps an old read snapshot open. (A statement stepped to a row
// and never reset holds its read transaction: another process's commit then
// makes this connection's next write fail with "database is locked".)
class CachedStatement {
 public:
  explicit CachedStatement(Statement& statement) : m_statement(statement) {}
  ~CachedStatement() { m_statement.reset(); }
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;

  template <typename Value>
  CachedStatement& bind(int index, const Value& value) {
    m_statement.bind(index, value);
    return *this;
  }
  CachedStatement& bind_null(int index) {
    m_statement.bind_null(index);
    return *this;
  }
  template <typename... Args>
  CachedStatement& bind_all(const Args&... args) {
    m_statement.bind_all(args...);
    return *this;
  }
  bool step() { return m_statement.step(); }
  void run() { m_statement.run(); }

  bool is_null(int column) const { return m_statement.is_null(column); }
  std::int64_t int64(int column) const { return m_statement.int64(column); }
  std::string text(int column) const { return m_statement.text(column); }
  std::span<const std::uint8_t> blob(int column) const { return m_statement.blob(column); }

 private:
  Statement& m_statement;
};

class Database {
 public:
  // Opens or creates the file, read-write, with a 5 s busy timeout. A file
  // it creates is readable and writable by its owner alone (0600), and so
  // are the WAL, shared-memory and journal files SQLite makes beside it
  // (SQLite gives them the database file's mode). An existing file keeps its
  // mode.
  explicit Database(const std::filesystem::path& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements with no parameters and no results.
  void execute(std::string_view sql);

  // A prepared statement kept for the connection's life, unbound, on loan
  // until the returned object goes out of scope. Do not borrow the same
  // statement twice at once.
  CachedStatement cached(std::string_view sql);

  // The single-value result of a query such as "PRAGMA user_version".
  std::int64_t query_int(std::string_view sql);
  std::string query_text(std::string_view sql);

  std::int64_t last_insert_rowid() const;
  int changes() const;

  // Copies the WAL into the database file and truncates the WAL to nothing
  // (PRAGMA wal_checkpoint(TRUNCATE)), so pages it held leave it. Outside
  // any transaction. Best effort: false when another connection's reader
  // kept it from completing (a later checkpoint finishes it).
  bool checkpoint_and_truncate_wal();

  // Leaves the WAL file in place, not unlinked, when this connection closes
  // as the last one (SQLITE_FCNTL_PERSIST_WAL): for a caller that overwrites
  // the files itself afterwards (DeviceStore::destroy).
  void keep_wal_at_close();

  // Throws the iro::Error for a SQLite result code, naming what was being done.
  [[noreturn]] void fail(int result_code, std::string_view doing) const;

  sqlite3* handle() const { return m_db; }

 private:
  sqlite3* m_db = nullptr;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> m_cache;
};

// BEGIN IMMEDIATE on construction (the write lock is taken up front, so a
// transaction never fails half-way on a lock upgrade); ROLLBACK in the
// destructor unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Database& database);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();

 private:
  Database& m_database;
  bool m_open = true;
};

}  // namespace iro::sqlite
