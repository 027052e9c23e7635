// What every `iro` subcommand shares: the store path from --db, its key
// file from --key-file, the store (opened on first use) and the output streams.
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <memory>
#include <string>

#include "iro/date.hpp"
#include "iro/store.hpp"

namespace iro::cli {

class CliContext {
 public:
  CliContext(std::ostream& out, std::ostream& err) : m_out(out), m_err(err) {}

  std::string db_path;
  // --key-file: the store is encrypted with the key in this file (key_file.hpp).
  // Empty: a plain store. Read only when the store is opened.
  std::string key_file;
  // The process's exit status when the command ends without an exception.
  int exit_code = 0;

  // The store at --db, created when absent (encrypted when --key-file was
  // given). Throws when --db was not given, for a bad key file, and
  // Error(wrong_key) when the key does not fit the store.
  DeviceStore& store();

  // "warning: created FILE without a key: ..." when this command created
  // the store without a key, else empty. A store without a key stays
  // possible (scripts, tests, the offline demo) but not unnoticed: main
  // says it once, as the command ends; opening an existing store says
  // nothing, so scripts' output stays as it was.
  std::string creation_warning() const;

  // After a Wipe: closes the store and deletes its files, overwritten first.
  void close_and_destroy_store();

  std::ostream& out() { return m_out; }
  std::ostream& err() { return m_err; }

 private:
  std::unique_ptr<DeviceStore> m_store;
  bool m_created_without_key = false;
  std::ostream& m_out;
  std::ostream& m_err;
};

// Today's date where the device is (local time), for defaults such as a visit's date.
Date local_today();

// Splits "field=value" and reads the value by the field's type for `kind`.
// Throws Error(invalid_input) for a missing '=' or a bad field or value.
void add_assignment(Kind kind, std::string_view assignment, FieldMap& fields);

// The bytes of a file to attach (a drawing, a photo). Throws
// Error(invalid_input) when it cannot be read or is over kMaxBlobBytes.
Bytes read_attachment_file(const std::string& path);

// Registers each command group on the app.
void add_store_commands(CLI::App& app, CliContext& context);
void add_note_commands(CLI::App& app, CliContext& context);
void add_letter_commands(CLI::App& app, CliContext& context);
void add_record_commands(CLI::App& app, CliContext& context);
void add_demo_commands(CLI::App& app, CliContext& context);
void add_sync_commands(CLI::App& app, CliContext& context);
void add_conflict_commands(CLI::App& app, CliContext& context);
void add_attachment_commands(CLI::App& app, CliContext& context);
void add_form_commands(CLI::App& app, CliContext& context);
void add_passphrase_commands(CLI::App& app, CliContext& context);
void add_timescales_command(CLI::App& app, CliContext& context);  // needs no store
void add_app_command(CLI::App& app, CliContext& context);  // opens the store through the C ABI

}  // namespace iro::cli
