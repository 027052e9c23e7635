// `iro-server admin attachment`: an attachment the server holds, written to
// a file (a manager printing a child's drawing; support checking a sync).
#pragma once

#include "admin/admin_commands.hpp"

namespace iro::server {

void add_attachment_command(CLI::App& admin, AdminContext& context);

}  // namespace iro::server
