// The physical limit the benchmarks measure iro-sync against, in the same run:
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
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include "sqlite_limit.hpp"

namespace {

using iro::bench::Keys;
using iro::bench::kRowsPerTransaction;
using iro::bench::sqlite_rows_per_second;

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
    print("sqlite_raw_rows_per_s", sqlite_rows_per_second(dir / "raw.db", rows, Keys::none));
    print("sqlite_ordered_index_rows_per_s",
          sqlite_rows_per_second(dir / "ordered.db", rows, Keys::ordered));
    print("sqlite_random_index_rows_per_s",
          sqlite_rows_per_second(dir / "random.db", rows, Keys::random));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "iro_bench_sqlite_limit: %s\n", error.what());
    std::filesystem::remove_all(dir);
    return 1;
  }
  std::filesystem::remove_all(dir);
  return 0;
}
