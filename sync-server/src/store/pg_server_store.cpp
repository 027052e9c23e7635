#include "store/pg_server_store.hpp"

#include <poll.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "iro/error.hpp"
#include "store/group_commit.hpp"
#include "store/pg.hpp"
#include "store/pg_schema.hpp"
#include "store/pg_txn.hpp"

namespace iro::server {
namespace {

// NOTIFY channels are the database's, not a schema's: two stores in one
// database (schemas of their own) each have a channel.
std::string feed_channel(pg::Connection& connection) {
  const pg::Result schema = connection.query("SELECT current_schema()");
  return "iro_feed " + (schema.is_null(0, 0) ? std::string() : schema.text(0, 0));
}

// `name` as a quoted identifier (LISTEN takes no parameter).
std::string quoted_identifier(std::string_view name) {
  std::string text = "\"";
  for (char c : name) text += c == '"' ? std::string("\"\"") : std::string(1, c);
  return text + "\"";
}
// How often the listener looks up from its socket to see whether to stop.
constexpr int kListenPollMs = 200;

// A name for this process's store, so that it can tell its own NOTIFYs
// (its sessions were woken at the commit) from other nodes'.
std::string make_node_id() {
  std::random_device random;
  return std::to_string(random()) + "-" + std::to_string(random());
}

// How long the listener waits before connecting again after its
// connection broke (the database restarting takes seconds).
constexpr auto kListenRetry = std::chrono::seconds(1);

// LISTENs on its own connection and thread until destroyed; connects again
// when the connection breaks (what other nodes commit meanwhile, the
// server's head poll sees).
class FeedListener final : public CommitWatch {
 public:
  FeedListener(const std::string& url, std::string own_node, ServerStore::FeedsMoved moved)
      : m_url(url), m_own_node(std::move(own_node)), m_moved(std::move(moved)) {
    m_connection = listen();  // the first connection's failure is the caller's
    m_thread = std::thread([this] { run(); });
  }

  ~FeedListener() override {
    m_stop = true;
    m_thread.join();
  }

 private:
  std::unique_ptr<pg::Connection> listen() {
    auto connection = std::make_unique<pg::Connection>(m_url);
    connection->execute("LISTEN " + quoted_identifier(feed_channel(*connection)));
    return connection;
  }

  void run() {
    while (!m_stop) {
      if (m_connection && m_connection->broken()) m_connection.reset();
      if (!m_connection) {
        reconnect();
        continue;
      }
      pollfd wait{m_connection->socket(), POLLIN, 0};
      if (::poll(&wait, 1, kListenPollMs) <= 0) continue;
      std::vector<std::string> tenants;
      try {
        for (const pg::Notification& note : m_connection->take_notifications()) {
          // Payload: "<node id> <tenant>".
          const auto space = note.payload.find(' ');
          if (space == std::string::npos || note.payload.substr(0, space) == m_own_node) continue;
          tenants.push_back(note.payload.substr(space + 1));
        }
      } catch (const std::exception&) {
        m_connection.reset();  // broken: connect again
        continue;
      }
      if (tenants.empty()) continue;
      std::sort(tenants.begin(), tenants.end());
      tenants.erase(std::unique(tenants.begin(), tenants.end()), tenants.end());
      m_moved(tenants);
    }
  }

  // One attempt, after a pause that still looks up for the stop.
  void reconnect() {
    const auto at = std::chrono::steady_clock::now() + kListenRetry;
    while (!m_stop && std::chrono::steady_clock::now() < at) {
      std::this_thread::sleep_for(std::chrono::milliseconds(kListenPollMs));
    }
    if (m_stop) return;
    try {
      m_connection = listen();
    } catch (const std::exception&) {
      // Still down: the next round tries again.
    }
  }

  std::string m_url;
  std::string m_own_node;
  ServerStore::FeedsMoved m_moved;
  std::unique_ptr<pg::Connection> m_connection;  // null while disconnected
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
};

void roll_back(pg::Connection& connection) noexcept {
  connection.discard_sent();
  try {
    connection.execute("ROLLBACK");
  } catch (...) {
    // The connection is gone: PostgreSQL rolled the transaction back itself.
  }
}

// Every write transaction starts by locking the sequence row: the lock is
// what orders writes across nodes (see pg_server_store.hpp). Returns
// last_seq as read under the lock.
std::uint64_t begin_and_lock_sequence(pg::Connection& connection) {
  connection.execute("BEGIN");
  try {
    const pg::Result head =
        connection.query("SELECT value FROM meta WHERE key = 'last_seq' FOR UPDATE");
    if (head.empty()) throw Error(ErrorCode::corrupt_data, "the store has no sequence row");
    return std::uint64_t(head.int64(0, 0));
  } catch (...) {
    roll_back(connection);
    throw;
  }
}

// A write transaction on the node's writer connection, as group_commit.hpp
// runs it. The NOTIFYs are sent when it commits, and only if it does.
class PgWrite {
 public:
  PgWrite(pg::Connection& connection, const std::string& channel, const std::string& node)
      : m_connection(connection),
        m_channel(channel),
        m_node(node),
        m_txn(connection, begin_and_lock_sequence(connection)) {}
  PgWrite(const PgWrite&) = delete;
  PgWrite& operator=(const PgWrite&) = delete;

  ~PgWrite() {
    if (!m_committed) roll_back(m_connection);
  }

  PgTxn& txn() { return m_txn; }
  // A job's writes are sent ahead: a failed one is the job's failure.
  void check_job() { m_connection.check_sent(); }
  void savepoint() { m_connection.execute("SAVEPOINT job"); }
  void roll_back_to_savepoint() {
    m_connection.discard_sent();  // the rollback undoes them
    m_connection.execute("ROLLBACK TO SAVEPOINT job");
  }
  void release_savepoint() { m_connection.execute("RELEASE SAVEPOINT job"); }

  void commit() {
    m_txn.save_sequence();
    for (const std::string& tenant : m_txn.changed_tenants()) {
      m_connection.send("SELECT pg_notify($1, $2)", pg::Params(m_channel, m_node + " " + tenant));
    }
    m_connection.execute("COMMIT");
    m_committed = true;
  }

 private:
  pg::Connection& m_connection;
  const std::string& m_channel;
  const std::string& m_node;
  PgTxn m_txn;
  bool m_committed = false;
};

// A connection that broke (the database restarted, an administrator ended
// it) is replaced at the next transaction's start: the transaction it broke
// in failed, and was never acknowledged to anyone; later ones must not fail
// with it.
class PgServerStore final : public ServerStore {
 public:
  explicit PgServerStore(std::string url)
      : m_url(std::move(url)), m_node(make_node_id()), m_writer(connect()) {
    pg::migrate_server_schema(*m_writer);
    m_channel = feed_channel(*m_writer);
  }

  void write(const Job& job) override {
    std::lock_guard<std::mutex> hold(m_writing);
    run_write(job, [this] { return begin_write(); });
  }

  BatchOutcome write_batch(std::span<const Job> jobs) override {
    std::lock_guard<std::mutex> hold(m_writing);
    return run_write_batch(jobs, [this] { return begin_write(); });
  }

  void read(const Job& job) override {
    std::unique_ptr<pg::Connection> reader = begin_read();
    try {
      PgTxn txn(*reader, std::nullopt);
      job(txn);
      reader->execute("COMMIT");
    } catch (...) {
      try {
        reader->execute("ROLLBACK");
        give_back(std::move(reader));
      } catch (...) {
        // A broken connection is dropped; the next read opens another.
      }
      throw;
    }
    give_back(std::move(reader));
  }

  std::unique_ptr<CommitWatch> watch_other_commits(FeedsMoved moved) override {
    return std::make_unique<FeedListener>(m_url, m_node, std::move(moved));
  }

 private:
  std::unique_ptr<pg::Connection> connect() const {
    return std::make_unique<pg::Connection>(m_url);
  }

  // Nothing has run in the transaction when BEGIN or the lock fails on a
  // broken connection, so it is begun again once on a new one.
  PgWrite begin_write() {
    if (m_writer->broken()) m_writer = connect();
    try {
      return PgWrite(*m_writer, m_channel, m_node);
    } catch (const Error&) {
      if (!m_writer->broken()) throw;
    }
    m_writer = connect();
    return PgWrite(*m_writer, m_channel, m_node);
  }

  // One snapshot for the whole job, as a SQLite read transaction has. A
  // pooled connection found broken is dropped, and with it the rest of the
  // pool (they broke together, as the database restarted).
  std::unique_ptr<pg::Connection> begin_read() {
    std::unique_ptr<pg::Connection> reader = take_reader();
    try {
      reader->execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      return reader;
    } catch (const Error&) {
      if (!reader->broken()) throw;
    }
    {
      std::lock_guard<std::mutex> hold(m_readers_lock);
      m_readers.clear();
    }
    reader = connect();
    reader->execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    return reader;
  }

  std::unique_ptr<pg::Connection> take_reader() {
    {
      std::lock_guard<std::mutex> hold(m_readers_lock);
      if (!m_readers.empty()) {
        auto reader = std::move(m_readers.back());
        m_readers.pop_back();
        return reader;
      }
    }
    return connect();
  }

  void give_back(std::unique_ptr<pg::Connection> reader) {
    std::lock_guard<std::mutex> hold(m_readers_lock);
    m_readers.push_back(std::move(reader));
  }

  std::string m_url;
  std::string m_node;
  std::string m_channel;
  std::mutex m_writing;  // one write transaction at a time on the writer connection
  std::unique_ptr<pg::Connection> m_writer;
  std::mutex m_readers_lock;
  std::vector<std::unique_ptr<pg::Connection>> m_readers;
};

}  // namespace

bool is_postgres_url(std::string_view location) noexcept {
  return location.starts_with("postgres://") || location.starts_with("postgresql://");
}

std::unique_ptr<ServerStore> open_pg_server_store(const std::string& url) {
  return std::make_unique<PgServerStore>(url);
}

}  // namespace iro::server
