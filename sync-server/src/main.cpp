// iro-server: reconciles every device's changes (DESIGN.md). This first
// build only answers --version; `serve` and `admin` arrive with the sync work.
#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  CLI::App app{"iro-server: the iro-sync server"};
  app.name("iro-server");
  app.set_version_flag("--version", "iro-server 0.1.0");
  CLI11_PARSE(app, argc, argv);
  return 0;
}
