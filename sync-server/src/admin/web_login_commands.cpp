#include "admin/web_login_commands.hpp"

#include <string>

#include "iro/clock.hpp"
#include "iro/error.hpp"
#include "service/web_login.hpp"

namespace iro::server {

void add_set_password_command(CLI::App& admin, AdminContext& context) {
  struct Options {
    std::string user;
    std::string login;
  };
  auto options = std::make_shared<Options>();
  auto* command = admin.add_subcommand(
      "set-password",
      "Set a user's login and password for the web dashboard; the password is read from the "
      "first line of standard input. Signs out the user's browsers");
  command->add_option("--user", options->user, "The user's id")->required();
  command->add_option("--login", options->login, "What they type to sign in (e.g. pat.manager)")
      ->required();
  command->callback([&context, options] {
    std::string password;
    if (!std::getline(*context.input, password)) {
      throw Error(ErrorCode::invalid_input, "no password on standard input");
    }
    if (!password.empty() && password.back() == '\r') password.pop_back();
    std::string tenant;
    context.write_audited(AuditAction::set_password, [&](StoreTxn& txn, AuditRow& row) {
      row.user_id = options->user;
      if (const auto user = txn.user(options->user)) row.tenant = user->tenant;
      set_password(txn, options->user, options->login, password, system_clock().now_ms());
      tenant = row.tenant;
      row.detail = "web password set";  // never the password, nor a hash of it
    });
    context.out() << "password set for " << *normalised_login(options->login) << " (" << tenant
                  << ")\n";
  });
}

}  // namespace iro::server
