// `iro-server admin set-policy` (a council's review timescales, which reach
// its devices in Welcome), `iro-server admin set-lease` (the council's
// offline lease, also in Welcome) and `iro-server admin timescales` (the managers'
// view: one JSON line per child, due dates and whether reviews are late),
// and `iro-server admin annual-report` (a period's figures as CSV).
#pragma once

#include <CLI/CLI.hpp>

namespace iro::server {

class AdminContext;

void add_timescales_commands(CLI::App& admin, AdminContext& context);

}  // namespace iro::server
