#include "store/sqlite_server_store.hpp"

#include <mutex>
#include <vector>

#include "iro/error.hpp"
#include "store/server_schema.hpp"
#include "store/sqlite.hpp"
#include "store/sqlite_txn.hpp"

namespace iro::server {
namespace {

constexpr const char* kFileName = "iro-server.db";

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
    migrate_server_schema(m_writer);
  }

  void write(const Job& job) override {
    sqlite::Transaction transaction(m_writer);
    SqliteTxn txn(m_writer);
    job(txn);
    transaction.commit();
  }

  std::vector<std::exception_ptr> write_batch(std::span<const Job> jobs) override {
    std::vector<std::exception_ptr> failures(jobs.size());
    sqlite::Transaction transaction(m_writer);
    SqliteTxn txn(m_writer);
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      m_writer.cached("SAVEPOINT job").run();
      try {
        jobs[i](txn);
      } catch (...) {
        failures[i] = std::current_exception();
        m_writer.cached("ROLLBACK TO job").run();
      }
      m_writer.cached("RELEASE job").run();
    }
    transaction.commit();
    return failures;
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
};

}  // namespace

std::unique_ptr<ServerStore> open_sqlite_server_store(const std::filesystem::path& data_dir,
                                                      SqliteStoreOptions options) {
  std::error_code error;
  std::filesystem::create_directories(data_dir, error);
  if (error) {
    throw Error(ErrorCode::storage_failure,
                "cannot create the data directory " + data_dir.string() + ": " + error.message());
  }
  return std::make_unique<SqliteServerStore>(data_dir, options);
}

}  // namespace iro::server
