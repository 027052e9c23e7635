// The physical limit the benchmarks measure iro-sync against: raw SQLite inserts
// of rows shaped like one change each (doc id, field, a 200-byte value, hlc,
// device, seq) through one prepared statement, WAL, synchronous=NORMAL, 100
// rows a transaction. Shared by iro_bench_sqlite_limit and iro_bench_ingest,
// which measures it in the same run as the ingest it is compared with.
#pragma once

#include <filesystem>

namespace iro::bench {

inline constexpr int kRowsPerTransaction = 100;

enum class Keys {
  none,     // a plain table, no secondary index
  ordered,  // plus an index on time-ordered (UUIDv7-like) doc ids
  random,   // plus an index on random (UUIDv4-like) doc ids
};

// Rows a second for `rows` inserts of the given shape into a new file at `path`.
double sqlite_rows_per_second(const std::filesystem::path& path, int rows, Keys keys);

}  // namespace iro::bench
