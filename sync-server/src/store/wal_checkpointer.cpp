#include "store/wal_checkpointer.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include "iro/error.hpp"
#include "service/log_line.hpp"

namespace iro::server {

WalCheckpointer::WalCheckpointer(sqlite::Database& writer, const std::filesystem::path& path)
    : m_writer(writer), m_connection(path), m_thread([this] { run(); }) {
  // Replaces the automatic checkpoint (itself a commit hook) on the writer.
  sqlite3_wal_hook(m_writer.handle(), &WalCheckpointer::on_commit, this);
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_hook(m_writer.handle(), nullptr, nullptr);
  {
    std::lock_guard<std::mutex> hold(m_lock);
    m_stopping = true;
    m_wake.notify_one();
  }
  m_thread.join();
}

int WalCheckpointer::on_commit(void* self, sqlite3*, const char*, int log_pages) {
  auto* checkpointer = static_cast<WalCheckpointer*>(self);
  if (log_pages >= kPagesBeforeCheckpoint) {
    std::lock_guard<std::mutex> hold(checkpointer->m_lock);
    checkpointer->m_wanted = true;
    checkpointer->m_wake.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::run() {
  for (;;) {
    {
      std::unique_lock<std::mutex> hold(m_lock);
      m_wake.wait(hold, [this] { return m_stopping || m_wanted; });
      if (m_stopping) return;
      m_wanted = false;
    }
    // PASSIVE: copies what no reader still needs, never blocks the writer.
    // What it cannot copy now waits for the next one.
    try {
      m_connection.execute("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (const Error& error) {
      spdlog::warn("{}", logfmt("wal-checkpoint-failed",
                                {{"error", error.what()}, {"note", "retried later"}}));
    }
  }
}

}  // namespace iro::server
