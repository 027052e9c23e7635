// Versions of the server's PostgreSQL schema, one upgrade step per version,
// kept in the table schema_version. The same tables and meanings as the
// SQLite schema (store/server_schema.hpp), in PostgreSQL's types; step 1 is
// that schema as SQLite's step 6 left it. A step added to one engine's
// schema is added to the other's.
//
// History:
//   1  everything of SQLite's steps 1-6
//   2  SQLite's step 7 (the managers' pages)
//   3  SQLite's step 8 (created_seq, collection window, session id, blob_holder)
#pragma once

#include "store/pg.hpp"

namespace iro::pg {

inline constexpr int kPgSchemaVersion = 3;

// Brings the schema in the connection's search_path up to `target` (0: the
// newest), in one transaction under an advisory lock, so that nodes starting
// together upgrade it once. Refuses a schema newer than this build.
void migrate_server_schema(Connection& connection, int target = 0);

int schema_version(Connection& connection);

}  // namespace iro::pg
