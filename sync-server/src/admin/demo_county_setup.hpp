// `iro-server admin demo-county`: a synthetic council to try the system on.
#pragma once

#include <CLI/CLI.hpp>

namespace iro::server {

class AdminContext;

void add_demo_county_command(CLI::App& admin, AdminContext& context);

}  // namespace iro::server
