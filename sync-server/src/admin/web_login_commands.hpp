// `iro-server admin set-password`: a manager's (or administrator's) login and
// password for the web dashboard (service/web_login.hpp).
#pragma once

#include "admin/admin_commands.hpp"

namespace iro::server {

void add_set_password_command(CLI::App& admin, AdminContext& context);

}  // namespace iro::server
