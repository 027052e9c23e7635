// `iro app`'s local web server: Beast HTTP on 127.0.0.1 only, one thread,
// answering with AppRoutes (app_routes.hpp) until SIGINT or SIGTERM. The only
// file of the command line that includes Beast.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "app_session.hpp"

namespace iro::cli {

// Binds 127.0.0.1:`port` (0: any free port), calls `ready` with the port
// bound, then serves until a signal. Returns the exit status.
int serve_app(AppSession& session, const std::filesystem::path& assets, const std::string& secret,
              std::uint16_t port, const std::function<void(std::uint16_t)>& ready);

}  // namespace iro::cli
