// `iro-server admin --data DIR ...`: the administrator's commands (README,
// "The server"), run against the data directory (beside a running
// server or not: SQLite's WAL lets both write in turn).
#pragma once

#include <iostream>

#include <CLI/CLI.hpp>
#include <exception>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

#include "service/audit.hpp"
#include "store/server_store.hpp"

namespace iro::server {

class AdminContext {
 public:
  AdminContext(std::ostream& out, std::ostream& err) : m_out(out), m_err(err) {}

  std::string data_dir;   // the embedded SQLite store's directory, or
  std::string store_url;  // a PostgreSQL database (store/store_location.hpp)
  // Non-zero makes the process exit with it after a command that reported
  // problems without failing outright (import-children with refused rows).
  int exit_code = 0;

  ServerStore& store();

  // Every command that changes the store runs here: `job` runs in a write transaction and fills in
  // its audit entry (which starts as admin_audit_row(action)), appended in the same transaction.
  // When the job throws, the entry as far as it was filled in is appended on its own, refused, with
  // the error's message; the exception goes on.
  void write_audited(AuditAction action, const std::function<void(StoreTxn&, AuditRow&)>& job);
  // The same for a command that only reads records (an export): `job` runs
  // in a read transaction, so a long read never holds up the server's
  // writes, and its entry is appended in a short write of its own before
  // the command prints anything.
  void read_audited(AuditAction action, const std::function<void(StoreTxn&, AuditRow&)>& job);

  // Where a secret is read from (set-password): never the command line,
  // which other users of the machine can see.
  std::istream* input = &std::cin;

  std::ostream& out() { return m_out; }
  std::ostream& err() { return m_err; }

 private:
  // Appends `row` as refused with the error's message, in a write of its own.
  void append_refusal(AuditRow row, const std::exception& error);

  std::unique_ptr<ServerStore> m_store;
  std::ostream& m_out;
  std::ostream& m_err;
};

void add_admin_commands(CLI::App& admin, AdminContext& context);

// The whole of a file an administrator names (a CSV, a template). Throws
// Error(not_found) when it cannot be read.
std::string read_text_file(const std::string& path);

}  // namespace iro::server
