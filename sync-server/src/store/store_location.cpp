#include "store/store_location.hpp"

#include "iro/error.hpp"
#include "store/pg_server_store.hpp"
#include "store/sqlite_server_store.hpp"

namespace iro::server {

std::unique_ptr<ServerStore> open_server_store(const StoreLocation& location) {
  if (location.data_dir.empty() == location.url.empty()) {
    throw Error(ErrorCode::invalid_input,
                "give either --data DIR (the embedded SQLite store) or --store postgres://... "
                "(a PostgreSQL database), not both");
  }
  if (!location.data_dir.empty()) return open_sqlite_server_store(location.data_dir);
  if (!is_postgres_url(location.url)) {
    throw Error(ErrorCode::invalid_input,
                "--store takes a PostgreSQL URL (postgres://user@host:port/database)");
  }
  return open_pg_server_store(location.url);
}

}  // namespace iro::server
