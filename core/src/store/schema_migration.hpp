// Forward-only schema migrations for an SQLite file, kept in PRAGMA
// user_version with one step per version (after LiteCore's SQLiteDataFile).
// Used by the device store and the server's SQLite store.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "store/sqlite.hpp"

namespace iro::sqlite {

// Moves the schema from `version - 1` to `version`. Released steps are never
// edited: files in the field may be at any of them.
struct SchemaStep {
  int version;
  const char* sql;
};

struct SchemaHistory {
  std::span<const SchemaStep> steps;  // versions 1..N, in order
  std::int32_t application_id;        // PRAGMA application_id that marks our files
  std::string_view what;              // "device store", for messages
};

// Brings the file up to `target` (the newest step when 0), one transaction
// per step; a new file runs every step from 1 (so the upgrade path runs on
// every new store). Throws Error(schema_too_new) for a file from a newer
// build and Error(storage_failure) for a file that is not ours; neither is touched.
void migrate(Database& database, const SchemaHistory& history, int target = 0);

int schema_version(Database& database);

}  // namespace iro::sqlite
