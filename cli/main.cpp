// iro: the device/desktop command line over the core (the README's "The device
// command line"). Exit status 0 on success; otherwise one line on stderr saying why:
// 1 for a refused or failed operation, 2 for a malformed command line.
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "cli_context.hpp"
#include "iro/error.hpp"

int main(int argc, char** argv) {
  iro::cli::CliContext context(std::cout, std::cerr);

  CLI::App app{"iro: records and sync for Independent Reviewing Officers, on this device"};
  app.name("iro");
  app.set_version_flag("--version", "iro 0.1.0");
  app.add_option("--db", context.db_path, "The device store (an SQLite file; created if absent)");
  app.add_option("--key-file", context.key_file,
                 "Encrypts the store with the key in FILE (64 hex digits or 32 raw bytes); "
                 "a store made with a key needs it every time")
      ->type_name("FILE");
  app.require_subcommand(1);

  iro::cli::add_store_commands(app, context);
  iro::cli::add_note_commands(app, context);
  iro::cli::add_letter_commands(app, context);
  iro::cli::add_record_commands(app, context);
  iro::cli::add_demo_commands(app, context);
  iro::cli::add_sync_commands(app, context);
  iro::cli::add_conflict_commands(app, context);
  iro::cli::add_attachment_commands(app, context);
  iro::cli::add_form_commands(app, context);
  iro::cli::add_passphrase_commands(app, context);
  iro::cli::add_timescales_command(app, context);
#if IRO_WITH_APP
  iro::cli::add_app_command(app, context);
#endif

  // A failure is one line on stderr, whatever else happened: a store this
  // command created without a key is mentioned on that line, not another.
  const auto fail = [&](const std::string& why, int exit_code) {
    const std::string warning = context.creation_warning();
    std::cerr << "iro: " << why << (warning.empty() ? "" : "; " + warning) << "\n";
    return exit_code;
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForVersion& version) {
    return app.exit(version);
  } catch (const CLI::ParseError& error) {
    return fail(std::string(error.what()) + " (see iro --help)", 2);
  } catch (const iro::Error& error) {
    return fail(error.what(), 1);
  } catch (const std::exception& error) {
    return fail(std::string("internal error: ") + error.what(), 1);
  }
  if (const std::string warning = context.creation_warning(); !warning.empty()) {
    std::cerr << "iro: " << warning << "\n";
  }
  return context.exit_code;
}
