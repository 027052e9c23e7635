#include "store/sqlite.hpp"

#include <sqlite3.h>

#ifndef _WIN32
#include <fcntl.h>
#include <unistd.h>
#endif

#include <mutex>

#include "iro/error.hpp"

namespace iro::sqlite {
namespace {

// SQLite counts every allocation for sqlite3_memory_used() under a global
// mutex, even on connections opened without their own (NOMUTEX): a tenth of
// the server's commit thread in a busy push. Nothing here reads the counts.
// It must be set before SQLite initialises, so before the first open.
void configure_library_once() {
  static std::once_flag configured;
  std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

// Creates the database file, empty and 0600, when there is none, before
// SQLite opens it: SQLite would create it 0644 (less the umask), and gives
// the WAL, shared-memory and journal files it makes later the database
// file's own mode. All of them hold what the store holds. The process's
// umask is left alone: a library must not change it under its host.
void create_private_file(const std::filesystem::path& path) {
#ifndef _WIN32
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  // EEXIST: the file is there (perhaps made just now by another process),
  // and keeps its mode. Any other failure is SQLite's to report as it opens.
  if (fd >= 0) ::close(fd);
#else
  (void)path;  // Windows: the file inherits its directory's access list.
#endif
}

}  // namespace

Statement::Statement(Database& database, std::string_view sql) : m_database(database) {
  const int rc = sqlite3_prepare_v3(database.handle(), sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &m_statement, nullptr);
  if (rc != SQLITE_OK) database.fail(rc, "preparing a statement");
}

Statement::~Statement() {
  sqlite3_finalize(m_statement);
}

Statement& Statement::bind(int index, std::int64_t number) {
  const int rc = sqlite3_bind_int64(m_statement, index, number);
  if (rc != SQLITE_OK) m_database.fail(rc, "binding a number");
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  const int rc = sqlite3_bind_text64(m_statement, index, text.data(), text.size(), SQLITE_TRANSIENT,
                                     SQLITE_UTF8);
  if (rc != SQLITE_OK) m_database.fail(rc, "binding text");
  return *this;
}

Statement& Statement::bind(int index, std::span<const std::uint8_t> blob) {
  // A zero-length blob must still be a blob, not NULL: pass a valid pointer.
  static const std::uint8_t kEmpty = 0;
  const int rc = sqlite3_bind_blob64(m_statement, index, blob.empty() ? &kEmpty : blob.data(),
                                     blob.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) m_database.fail(rc, "binding a blob");
  return *this;
}

Statement& Statement::bind_null(int index) {
  const int rc = sqlite3_bind_null(m_statement, index);
  if (rc != SQLITE_OK) m_database.fail(rc, "binding null");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(m_statement);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(m_statement);
  m_database.fail(rc, "running a statement");
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(m_statement);
  sqlite3_clear_bindings(m_statement);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

std::int64_t Statement::int64(int column) const {
  return sqlite3_column_int64(m_statement, column);
}

std::string Statement::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(m_statement, column));
  const int size = sqlite3_column_bytes(m_statement, column);
  return data ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::span<const std::uint8_t> Statement::blob(int column) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(m_statement, column));
  const int size = sqlite3_column_bytes(m_statement, column);
  return {data, data ? static_cast<std::size_t>(size) : 0};
}

Database::Database(const std::filesystem::path& path) {
  configure_library_once();
  create_private_file(path);
  const int rc = sqlite3_open_v2(
      path.c_str(), &m_db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
      nullptr);
  if (rc != SQLITE_OK) {
    const std::string reason = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
    sqlite3_close(m_db);
    throw Error(ErrorCode::storage_failure, "cannot open " + path.string() + ": " + reason);
  }
  sqlite3_busy_timeout(m_db, 5000);
}

Database::~Database() {
  m_cache.clear();  // statements must be finalised before the connection closes
  sqlite3_close(m_db);
}

void Database::execute(std::string_view sql) {
  const std::string statement(sql);
  const int rc = sqlite3_exec(m_db, statement.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(rc, "running SQL");
}

CachedStatement Database::cached(std::string_view sql) {
  auto found = m_cache.find(sql);
  if (found == m_cache.end()) {
    found = m_cache.emplace(std::string(sql), std::make_unique<Statement>(*this, sql)).first;
  }
  return CachedStatement(*found->second);
}

std::int64_t Database::query_int(std::string_view sql) {
  Statement statement(*this, sql);
  if (!statement.step()) fail(SQLITE_ERROR, "a query that returned no row");
  return statement.int64(0);
}

std::string Database::query_text(std::string_view sql) {
  Statement statement(*this, sql);
  if (!statement.step()) fail(SQLITE_ERROR, "a query that returned no row");
  return statement.text(0);
}

std::int64_t Database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(m_db);
}

int Database::changes() const {
  return sqlite3_changes(m_db);
}

bool Database::checkpoint_and_truncate_wal() {
  try {
    Statement checkpoint(*this, "PRAGMA wal_checkpoint(TRUNCATE)");
    // One row: busy (1 when a reader kept it from completing), WAL frames, frames copied.
    return checkpoint.step() && checkpoint.int64(0) == 0;
  } catch (const Error& error) {
    if (error.code() != ErrorCode::storage_busy) throw;
    return false;
  }
}

void Database::keep_wal_at_close() {
  int persist = 1;
  const int rc = sqlite3_file_control(m_db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
  if (rc != SQLITE_OK) fail(rc, "keeping the WAL at close");
}

void Database::fail(int result_code, std::string_view doing) const {
  const int primary = result_code & 0xff;
  const std::string reason =
      std::string("SQLite error while ") + std::string(doing) + ": " +
      (sqlite3_errcode(m_db) == result_code ? sqlite3_errmsg(m_db) : sqlite3_errstr(result_code));
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    throw Error(ErrorCode::storage_busy, reason);
  }
  throw Error(ErrorCode::storage_failure, reason);
}

Transaction::Transaction(Database& database) : m_database(database) {
  m_database.cached("BEGIN IMMEDIATE").run();
}

Transaction::~Transaction() {
  if (!m_open) return;
  // Never throws: a failed rollback leaves SQLite to roll back when the
  // connection closes, which is what a crash would do too.
  sqlite3_exec(m_database.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  m_database.cached("COMMIT").run();
  m_open = false;
}

}  // namespace iro::sqlite
