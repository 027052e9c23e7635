#include "server/test_store.hpp"

#include "store/sqlite_server_store.hpp"
#include "store/store_location.hpp"

namespace iro::test {

std::unique_ptr<server::ServerStore> open_test_store(const std::filesystem::path& dir) {
  // Not durable on SQLite: the tests never pull the plug, and an fsync per
  // commit only slows them (the cluster runs with fsync off likewise).
  if (!testing_postgres()) return server::open_sqlite_server_store(dir, {.durable = false});
  return server::open_server_store({.data_dir = {}, .url = test_store_url(dir)});
}

}  // namespace iro::test
