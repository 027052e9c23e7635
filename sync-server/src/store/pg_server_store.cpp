#include "store/pg_server_store.hpp"

#include <poll.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "iro/error.hpp"
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
std::string quoted(std::string_view name) {
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

// LISTENs on its own connection and thread until destroyed.
class FeedListener final : public CommitWatch {
 public:
  FeedListener(const std::string& url, std::string own_node, ServerStore::FeedsMoved moved)
      : m_connection(url), m_own_node(std::move(own_node)), m_moved(std::move(moved)) {
    m_connection.execute("LISTEN " + quoted(feed_channel(m_connection)));
    m_thread = std::thread([this] { run(); });
  }

  ~FeedListener() override {
    m_stop = true;
    m_thread.join();
  }

 private:
  void run() {
    while (!m_stop) {
      pollfd wait{m_connection.socket(), POLLIN, 0};
      if (::poll(&wait, 1, kListenPollMs) <= 0) continue;
      std::vector<std::string> tenants;
      try {
        for (const pg::Notification& note : m_connection.take_notifications()) {
          // Payload: "<node id> <tenant>".
          const auto space = note.payload.find(' ');
          if (space == std::string::npos || note.payload.substr(0, space) == m_own_node) continue;
          tenants.push_back(note.payload.substr(space + 1));
        }
      } catch (const std::exception&) {
        return;  // the connection broke: the server's head poll still sees other commits
      }
      if (tenants.empty()) continue;
      std::sort(tenants.begin(), tenants.end());
      tenants.erase(std::unique(tenants.begin(), tenants.end()), tenants.end());
      m_moved(tenants);
    }
  }

  pg::Connection m_connection;
  std::string m_own_node;
  ServerStore::FeedsMoved m_moved;
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
};

class PgServerStore final : public ServerStore {
 public:
  explicit PgServerStore(std::string url)
      : m_url(std::move(url)), m_node(make_node_id()), m_writer(m_url) {
    pg::migrate_server_schema(m_writer);
    m_channel = feed_channel(m_writer);
  }

  void write(const Job& job) override {
    std::lock_guard<std::mutex> hold(m_writing);
    PgTxn txn = begin_write();
    try {
      job(txn);
      commit(txn);
    } catch (...) {
      roll_back();
      throw;
    }
  }

  BatchOutcome write_batch(std::span<const Job> jobs) override {
    std::lock_guard<std::mutex> hold(m_writing);
    if (auto outcome = write_all_or_nothing(jobs)) return std::move(*outcome);
    return write_each_in_savepoint(jobs);
  }

  void read(const Job& job) override {
    std::unique_ptr<pg::Connection> reader = take_reader();
    try {
      // One snapshot for the whole job, as a SQLite read transaction has.
      reader->execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
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
  // Every write transaction starts by locking the sequence row: the lock is
  // what orders writes across nodes (see pg_server_store.hpp).
  PgTxn begin_write() {
    m_writer.execute("BEGIN");
    try {
      const pg::Result head =
          m_writer.query("SELECT value FROM meta WHERE key = 'last_seq' FOR UPDATE");
      if (head.empty()) throw Error(ErrorCode::corrupt_data, "the store has no sequence row");
      return PgTxn(m_writer, std::uint64_t(head.int64(0, 0)));
    } catch (...) {
      roll_back();
      throw;
    }
  }

  // The NOTIFYs are sent when the transaction commits, and only if it does.
  void commit(PgTxn& txn) {
    txn.save_sequence();
    for (const std::string& tenant : txn.changed_tenants()) {
      m_writer.query("SELECT pg_notify($1, $2)", pg::Params(m_channel, m_node + " " + tenant));
    }
    m_writer.execute("COMMIT");
  }

  void roll_back() noexcept {
    try {
      m_writer.execute("ROLLBACK");
    } catch (...) {
      // The connection is gone: PostgreSQL rolled the transaction back itself.
    }
  }

  std::optional<BatchOutcome> write_all_or_nothing(std::span<const Job> jobs) {
    PgTxn txn = begin_write();
    try {
      for (const Job& job : jobs) job(txn);
      commit(txn);
    } catch (...) {
      roll_back();
      return std::nullopt;
    }
    return outcome_of(std::vector<std::exception_ptr>(jobs.size()), txn);
  }

  BatchOutcome write_each_in_savepoint(std::span<const Job> jobs) {
    std::vector<std::exception_ptr> failures(jobs.size());
    PgTxn txn = begin_write();
    try {
      for (std::size_t i = 0; i < jobs.size(); ++i) {
        txn.save_sequence();  // a failed job's numbers are handed out again: no gap
        m_writer.execute("SAVEPOINT job");
        try {
          jobs[i](txn);
        } catch (...) {
          failures[i] = std::current_exception();
          m_writer.execute("ROLLBACK TO SAVEPOINT job");
          txn.discard_unsaved_sequence();
        }
        m_writer.execute("RELEASE SAVEPOINT job");
      }
      commit(txn);
    } catch (...) {
      roll_back();
      throw;
    }
    return outcome_of(std::move(failures), txn);
  }

  static BatchOutcome outcome_of(std::vector<std::exception_ptr> failures, PgTxn& txn) {
    return {std::move(failures), {txn.changed_tenants().begin(), txn.changed_tenants().end()}};
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
    return std::make_unique<pg::Connection>(m_url);
  }

  void give_back(std::unique_ptr<pg::Connection> reader) {
    std::lock_guard<std::mutex> hold(m_readers_lock);
    m_readers.push_back(std::move(reader));
  }

  std::string m_url;
  std::string m_node;
  std::string m_channel;
  std::mutex m_writing;  // one write transaction at a time on the writer connection
  pg::Connection m_writer;
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
