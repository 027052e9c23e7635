// Where iro-server keeps its records: the embedded SQLite file in a data
// directory (--data DIR, the default engine) or a PostgreSQL database
// shared by several nodes (--store postgres://...). Exactly one is given.
#pragma once

#include <memory>
#include <string>

#include "store/server_store.hpp"

namespace iro::server {

struct StoreLocation {
  std::string data_dir;
  std::string url;
};

// Opens the store, creating or upgrading its schema. Throws invalid_input
// when neither or both are given, or the URL is not a PostgreSQL one.
std::unique_ptr<ServerStore> open_server_store(const StoreLocation& location);

}  // namespace iro::server
