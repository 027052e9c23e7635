#include "server/admin_run.hpp"

#include <CLI/CLI.hpp>
#include <sstream>

#include "admin/admin_commands.hpp"
#include "server/test_store.hpp"

namespace iro::test {

AdminRun run_admin(const std::filesystem::path& data_dir, std::vector<std::string> args) {
  std::ostringstream out, err;
  server::AdminContext context(out, err);
  CLI::App app{"iro-server"};
  auto* command = app.add_subcommand("admin");
  command->add_option("--data", context.data_dir);
  command->add_option("--store", context.store_url);
  command->require_subcommand(1);
  server::add_admin_commands(*command, context);
  const std::vector<std::string> store = test_store_options(data_dir);
  args.insert(args.begin(), store.begin(), store.end());
  args.insert(args.begin(), {"iro-server", "admin"});
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  AdminRun run;
  try {
    app.parse(int(argv.size()), argv.data());
    run.exit_code = context.exit_code;
  } catch (const CLI::ParseError& error) {
    err << error.what();
    run.exit_code = 2;
  } catch (const std::exception& error) {
    err << error.what();
    run.exit_code = 1;
  }
  run.out = out.str();
  run.err = err.str();
  return run;
}

}  // namespace iro::test
