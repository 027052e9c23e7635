// The embedded engine: one SQLite file (WAL) in the data directory. One
// writer connection, used by one thread at a time (the commit queue, or an
// admin command); a pool of reader connections for any thread.
#pragma once

#include <filesystem>
#include <memory>

#include "store/server_store.hpp"

namespace iro::server {

struct SqliteStoreOptions {
  // FULL: an acknowledged change survives power loss. Only benchmarks turn it off.
  bool durable = true;
};

// Opens (creating when absent) DIR/iro-server.db, upgrading its schema.
std::unique_ptr<ServerStore> open_sqlite_server_store(const std::filesystem::path& data_dir,
                                                      SqliteStoreOptions options = {});

}  // namespace iro::server
