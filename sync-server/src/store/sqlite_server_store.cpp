#include "store/sqlite_server_store.hpp"

#include <mutex>
#include <vector>

#include "iro/error.hpp"
#include "store/group_commit.hpp"
#include "store/server_schema.hpp"
#include "store/sqlite.hpp"
#include "store/sqlite_txn.hpp"
#include "store/wal_checkpointer.hpp"

namespace iro::server {
namespace {

constexpr const char* kFileName = "iro-server.db";
// Page cache sizes (SQLite's cache_size, negative: KiB). A group commit of a
// storm's pushes dirties tens of MB of pages; with SQLite's default 2 MB the
// writer spills them to the WAL mid-transaction, page by page (a third of
// the server's time in a 2,000-device storm). Readers need less: a pull
// walks one IRO's index range.
constexpr const char* kWriterCache = "PRAGMA cache_size = -65536";
constexpr const char* kReaderCache = "PRAGMA cache_size = -8192";
// Each job of a group commit runs in a savepoint, whose undo log (the
// statement journal) gets the old copy of every page the job first touches.
// SQLite keeps it in memory only up to 64 KiB, then in a temp file: one
// pwrite per page, a third of a storm's server time. In memory it stays.
constexpr const char* kJournalsInMemory = "PRAGMA temp_store = MEMORY";

// A write transaction on the writer connection, as group_commit.hpp runs it.
class SqliteWrite {
 public:
  explicit SqliteWrite(sqlite::Database& db) : m_db(db), m_transaction(db), m_txn(db) {}

  SqliteTxn& txn() { return m_txn; }
  void check_job() {}  // each statement reported as it ran
  void savepoint() { m_db.cached("SAVEPOINT job").run(); }
  void roll_back_to_savepoint() { m_db.cached("ROLLBACK TO job").run(); }
  void release_savepoint() { m_db.cached("RELEASE job").run(); }
  void commit() {
    m_txn.save_sequence();  // the txn keeps it in memory until now
    m_transaction.commit();
  }

 private:
  sqlite::Database& m_db;
  sqlite::Transaction m_transaction;  // rolls back when destroyed uncommitted
  SqliteTxn m_txn;
};

void configure(sqlite::Database& db, bool durable) {
  if (db.query_text("PRAGMA journal_mode = WAL") != "wal") {
    throw Error(ErrorCode::storage_failure,
                "the data directory's file system does not support WAL");
  }
  db.execute(durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  db.execute("PRAGMA foreign_keys = ON");
}

class SqliteServerStore final : public ServerStore {
 public:
  SqliteServerStore(const std::filesystem::path& data_dir, SqliteStoreOptions options)
      : m_path(data_dir / kFileName), m_writer(m_path) {
    configure(m_writer, options.durable);
    m_writer.execute(kWriterCache);
    m_writer.execute(kJournalsInMemory);
    migrate_server_schema(m_writer);
    m_checkpointer = std::make_unique<WalCheckpointer>(m_writer, m_path);
  }

  void write(const Job& job) override {
    run_write(job, [this] { return SqliteWrite(m_writer); });
  }

  BatchOutcome write_batch(std::span<const Job> jobs) override {
    return run_write_batch(jobs, [this] { return SqliteWrite(m_writer); });
  }

  void read(const Job& job) override {
    std::unique_ptr<sqlite::Database> reader = take_reader();
    try {
      reader->cached("BEGIN").run();
      SqliteTxn txn(*reader);
      job(txn);
      reader->cached("COMMIT").run();
    } catch (...) {
      reader->execute("ROLLBACK");
      give_back(std::move(reader));
      throw;
    }
    give_back(std::move(reader));
  }

 private:
  // Readers are kept for reuse: each caches its prepared statements.
  std::unique_ptr<sqlite::Database> take_reader() {
    {
      std::lock_guard<std::mutex> hold(m_readers_lock);
      if (!m_readers.empty()) {
        auto reader = std::move(m_readers.back());
        m_readers.pop_back();
        return reader;
      }
    }
    auto reader = std::make_unique<sqlite::Database>(m_path);
    reader->execute("PRAGMA query_only = ON");
    reader->execute(kReaderCache);
    return reader;
  }

  void give_back(std::unique_ptr<sqlite::Database> reader) {
    std::lock_guard<std::mutex> hold(m_readers_lock);
    m_readers.push_back(std::move(reader));
  }

  std::filesystem::path m_path;
  sqlite::Database m_writer;
  std::mutex m_readers_lock;
  std::vector<std::unique_ptr<sqlite::Database>> m_readers;
  std::unique_ptr<WalCheckpointer> m_checkpointer;  // declared last: stopped first
};

}  // namespace

std::unique_ptr<ServerStore> open_sqlite_server_store(const std::filesystem::path& data_dir,
                                                      SqliteStoreOptions options) {
  std::error_code error;
  std::filesystem::create_directories(data_dir, error);
  // Every council's records are in here: for the server's user alone.
  if (!error) {
    std::filesystem::permissions(data_dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, error);
  }
  if (error) {
    throw Error(ErrorCode::storage_failure,
                "cannot create the data directory " + data_dir.string() + ": " + error.message());
  }
  return std::make_unique<SqliteServerStore>(data_dir, options);
}

}  // namespace iro::server
