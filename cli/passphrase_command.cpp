// `iro passphrase set`: wraps the store's key (from --key-file) under the
// IRO's passphrase, in the keyring beside the store (iro/keyring.hpp), so
// the app can be unlocked with the passphrase alone. The passphrase is read
// from the first line of standard input, never from the command line, where
// other users of the machine could see it.
#include <iostream>
#include <string>

#include "cli_context.hpp"
#include "iro/error.hpp"
#include "iro/keyring.hpp"
#include "key_file.hpp"

namespace iro::cli {

void add_passphrase_commands(CLI::App& app, CliContext& context) {
  auto* passphrase = app.add_subcommand("passphrase", "The passphrase that unlocks the app");
  passphrase->require_subcommand(1);
  auto* set = passphrase->add_subcommand(
      "set", "Wrap the store's key (--key-file) under a passphrase read from standard input");
  set->callback([&context] {
    if (context.key_file.empty()) {
      throw Error(ErrorCode::invalid_input, "give the store's key: --key-file FILE");
    }
    context.store();  // the key must open the store it is to unlock
    std::string line;
    std::getline(std::cin, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    create_keyring(keyring_path_for(context.db_path), line, read_key_file(context.key_file));
    context.out() << "the app for " << context.db_path << " now unlocks with the passphrase\n";
  });
}

}  // namespace iro::cli
