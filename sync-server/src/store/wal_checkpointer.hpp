// Copies the server store's write-ahead log back into the database file on a
// thread of its own, so the commit queue never waits for it. SQLite's own
// (automatic) checkpoint runs inside the commit that crosses 1,000 log pages,
// on the writer: during a storm that commit stalled every device behind it
// while pages were copied and the file synced.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "store/sqlite.hpp"

namespace iro::server {

class WalCheckpointer {
 public:
  // Takes over checkpointing from `writer` (which must outlive this) on a
  // connection of its own to `path`.
  WalCheckpointer(sqlite::Database& writer, const std::filesystem::path& path);
  ~WalCheckpointer();  // stops the thread; SQLite checkpoints at the last close
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Log pages after which a checkpoint is started (SQLite's default).
  static constexpr int kPagesBeforeCheckpoint = 1000;

 private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int log_pages);
  void run();

  sqlite::Database& m_writer;
  sqlite::Database m_connection;
  std::mutex m_lock;
  std::condition_variable m_wake;
  bool m_wanted = false;
  bool m_stopping = false;
  std::thread m_thread;
};

}  // namespace iro::server
