// `iro app`: the IRO's app on this machine. Opens the store through the C
// ABI (the app talks to it only through iro_app_call, as a tablet's WebView
// does; with the IRO's passphrase when one is set, app_session.hpp), serves
// app/web on 127.0.0.1 at a random port, and prints the address to open,
// with this launch's secret in it.
#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <iostream>
#include <memory>

#include "app_server.hpp"
#include "app_session.hpp"
#include "cli_context.hpp"
#include "iro/error.hpp"
#include "iro/hex.hpp"
#include "iro/iro.h"
#include "key_file.hpp"

namespace iro::cli {
namespace {

std::string launch_secret() {
  std::array<std::uint8_t, 32> bytes{};
  if (RAND_bytes(bytes.data(), int(bytes.size())) != 1) {
    throw Error(ErrorCode::internal, "the system random generator failed");
  }
  return hex_encode(bytes);
}

struct AppOptions {
  std::uint16_t port = 0;
  std::string assets = IRO_APP_ASSETS;
  int idle_lock_seconds = 300;
};

}  // namespace

void add_app_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<AppOptions>();
  auto* command = app.add_subcommand(
      "app", "The IRO's app on this machine: prints an address to open in a browser");
  command->add_option("--port", options->port, "Port on 127.0.0.1 (default: any free one)");
  command->add_option("--assets", options->assets, "The app's files (default: the build's)");
  command
      ->add_option("--idle-lock-seconds", options->idle_lock_seconds,
                   "Lock after this long untouched, once a passphrase is set (default: 300)")
      ->check(CLI::Range(5, 86400));
  command->callback([&context, options] {
    if (context.db_path.empty()) throw Error(ErrorCode::invalid_input, "give the store: --db FILE");
    std::optional<EncryptionKey> key;
    if (!context.key_file.empty()) key = read_key_file(context.key_file);
    AppSession session(context.db_path, key, std::chrono::seconds(options->idle_lock_seconds));
    const std::string secret = launch_secret();
    context.exit_code =
        serve_app(session, options->assets, secret, options->port, [&](std::uint16_t port) {
          // The only place the secret appears: whoever reads this can open the app.
          context.out() << "iro app: open http://127.0.0.1:" << port << "/launch?secret=" << secret
                        << std::endl;
        });
  });
}

}  // namespace iro::cli
