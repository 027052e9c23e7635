// The physical limit issue 10 measures iro-sync against, in the same run:
// raw SQLite inserts of rows shaped like one change each (doc id, field, a
// 200-byte value, hlc, device, seq) through one prepared statement, WAL,
// synchronous=NORMAL, 100 rows a transaction. Three shapes:
//   sqlite_raw_rows_per_s          a plain table, no secondary index
//   sqlite_ordered_index_rows_per_s  plus an index on time-ordered (UUIDv7-like) doc ids
//   sqlite_random_index_rows_per_s   plus an index on random (UUIDv4-like) doc ids
// The gap between the last two is why iro-sync's ids are time-ordered.
// Prints one JSON line per figure ({"name", "value", "unit", "goal", "ok"}).
//
//   iro_bench_sqlite_limit [--rows N]
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

constexpr int kRowsPerTransaction = 100;

void check(int status, sqlite3* db, const char* what) {
  if (status != SQLITE_OK && status != SQLITE_DONE && status != SQLITE_ROW) {
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
  }
}

void exec(sqlite3* db, const char* sql) {
  check(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), db, sql);
}

enum class Keys { none, ordered, random };

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

// Rows a second for `rows` inserts of the given shape into a new file.
double rows_per_second(const std::filesystem::path& path, int rows, Keys keys) {
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

void print(const char* name, double value) {
  std::printf(
      "{\"name\": \"%s\", \"value\": %.0f, \"unit\": \"rows/s\", \"goal\": null, "
      "\"ok\": null}\n",
      name, value);
}

}  // namespace

int main(int argc, char** argv) {
  int rows = 200'000;
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--rows" && i + 1 < argc) {
      rows = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s [--rows N]\n", argv[0]);
      return 2;
    }
  }
  if (rows < kRowsPerTransaction) {
    std::fprintf(stderr, "--rows must be at least %d\n", kRowsPerTransaction);
    return 2;
  }
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("iro-bench-sqlite-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  try {
    print("sqlite_raw_rows_per_s", rows_per_second(dir / "raw.db", rows, Keys::none));
    print("sqlite_ordered_index_rows_per_s",
          rows_per_second(dir / "ordered.db", rows, Keys::ordered));
    print("sqlite_random_index_rows_per_s", rows_per_second(dir / "random.db", rows, Keys::random));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "iro_bench_sqlite_limit: %s\n", error.what());
    std::filesystem::remove_all(dir);
    return 1;
  }
  std::filesystem::remove_all(dir);
  return 0;
}
