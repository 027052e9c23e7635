// `iro-server admin --data DIR ...`: the administrator's commands of the
// DESIGN.md contract, run against the data directory (beside a running
// server or not: SQLite's WAL lets both write in turn).
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <memory>
#include <string>

#include "store/server_store.hpp"

namespace iro::server {

class AdminContext {
 public:
  AdminContext(std::ostream& out, std::ostream& err) : m_out(out), m_err(err) {}

  std::string data_dir;
  // Non-zero makes the process exit with it after a command that reported
  // problems without failing outright (import-children with refused rows).
  int exit_code = 0;

  ServerStore& store();
  std::ostream& out() { return m_out; }
  std::ostream& err() { return m_err; }

 private:
  std::unique_ptr<ServerStore> m_store;
  std::ostream& m_out;
  std::ostream& m_err;
};

void add_admin_commands(CLI::App& admin, AdminContext& context);

}  // namespace iro::server
