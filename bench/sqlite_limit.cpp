#include "sqlite_limit.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>

namespace iro::bench {
namespace {

void check(int status, sqlite3* db, const char* what) {
  if (status != SQLITE_OK && status != SQLITE_DONE && status != SQLITE_ROW) {
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
  }
}

void exec(sqlite3* db, const char* sql) {
  check(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), db, sql);
}

// A 36-character id: time-ordered (a counter in the leading digits, as
// UUIDv7's timestamp) or random.
std::string doc_id(Keys keys, std::uint64_t row, std::mt19937_64& random) {
  char id[40];
  const std::uint64_t high = keys == Keys::random ? random() : row;
  const std::uint64_t low = random();
  std::snprintf(id, sizeof id, "%016llx-%04llx-%015llx", static_cast<unsigned long long>(high),
                static_cast<unsigned long long>(low & 0xffff),
                static_cast<unsigned long long>(low >> 16));
  return id;
}

}  // namespace

double sqlite_rows_per_second(const std::filesystem::path& path, int rows, Keys keys) {
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
  sqlite3* db = nullptr;
  check(sqlite3_open(path.c_str(), &db), db, "open");
  exec(db, "PRAGMA journal_mode=WAL");
  exec(db, "PRAGMA synchronous=NORMAL");
  exec(db,
       "CREATE TABLE change (seq INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, field TEXT NOT NULL, "
       "value BLOB NOT NULL, hlc INTEGER NOT NULL, device_id TEXT NOT NULL)");
  if (keys != Keys::none) exec(db, "CREATE INDEX change_by_doc ON change (doc_id, field)");
  sqlite3_stmt* insert = nullptr;
  check(sqlite3_prepare_v2(db,
                           "INSERT INTO change (seq, doc_id, field, value, hlc, device_id) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           -1, &insert, nullptr),
        db, "prepare");
  const std::string value(200, 'v');
  const std::string device = "01890a5d-ac96-774b-bcce-b302099a8057";
  std::mt19937_64 random(42);

  const auto start = std::chrono::steady_clock::now();
  for (int row = 0; row < rows; ++row) {
    if (row % kRowsPerTransaction == 0) exec(db, "BEGIN");
    const std::string id = doc_id(keys, std::uint64_t(row), random);
    sqlite3_bind_int64(insert, 1, row + 1);
    sqlite3_bind_text(insert, 2, id.data(), int(id.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 3, "note", 4, SQLITE_STATIC);
    sqlite3_bind_blob(insert, 4, value.data(), int(value.size()), SQLITE_STATIC);
    sqlite3_bind_int64(insert, 5, std::int64_t(row) << 16);
    sqlite3_bind_text(insert, 6, device.data(), int(device.size()), SQLITE_STATIC);
    check(sqlite3_step(insert), db, "insert");
    sqlite3_reset(insert);
    if (row % kRowsPerTransaction == kRowsPerTransaction - 1 || row == rows - 1) {
      exec(db, "COMMIT");
    }
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  sqlite3_finalize(insert);
  sqlite3_close(db);
  return rows / elapsed.count();
}

}  // namespace iro::bench
