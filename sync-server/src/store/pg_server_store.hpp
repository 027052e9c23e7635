// The PostgreSQL engine: several iro-server nodes on one
// database. Every write transaction first locks the meta row 'last_seq', so
// writes are serialized across nodes as SQLite serializes them within one:
// sequence numbers are handed out in commit order and a pull never skips a
// change a slower transaction commits later. Nodes add connections, TLS and
// pulls (reads run on a pool of connections, at REPEATABLE READ), not write
// parallelism; each node's commit queue still groups its writes.
//
// A commit that moves a council's feed sends NOTIFY "iro_feed <schema>" with the
// council's name; watch_other_commits LISTENs for other nodes' commits.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "store/server_store.hpp"

namespace iro::server {

// A libpq URL or connection string ("postgres://user@host:port/db"),
// "postgres://" or "postgresql://" first.
bool is_postgres_url(std::string_view location) noexcept;

// Connects, creating or upgrading the schema (in the URL's search_path).
std::unique_ptr<ServerStore> open_pg_server_store(const std::string& url);

}  // namespace iro::server
