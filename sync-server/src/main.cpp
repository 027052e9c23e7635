// iro-server: reconciles every device's changes (README, "The server").
// `serve` runs the sync service; `admin` manages councils, users, children
// and devices in the data directory. Exit status 0 on success;
// otherwise one line on stderr (1 refused or failed, 2 malformed command line).
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "admin/admin_commands.hpp"
#include "iro/error.hpp"
#include "net/serve.hpp"

namespace {

// "127.0.0.1:8443" or "[::1]:8443" into host and port.
bool split_listen(const std::string& listen, std::string& host, std::uint16_t& port) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size()) return false;
  host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  try {
    const unsigned long number = std::stoul(listen.substr(colon + 1));
    if (number > 65535) return false;
    port = static_cast<std::uint16_t>(number);
  } catch (const std::exception&) {
    return false;
  }
  return !host.empty();
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  if (const char* level = std::getenv("IRO_LOG")) spdlog::set_level(spdlog::level::from_str(level));

  CLI::App app{"iro-server: the iro-sync server"};
  app.name("iro-server");
  app.set_version_flag("--version", "iro-server 0.1.0");
  app.require_subcommand(1);

  iro::server::ServeConfig serve_config;
  std::string listen = "127.0.0.1:8765";
  auto* serve = app.add_subcommand("serve", "Run the sync service");
  serve->add_option("--data", serve_config.data_dir,
                    "The data directory (the embedded SQLite store)");
  serve->add_option("--store", serve_config.store_url,
                    "A PostgreSQL database instead, shared by several nodes: "
                    "postgres://user@host:port/database");
  serve->add_option("--listen", listen, "HOST:PORT (port 0: any free port, printed)");
  serve->add_flag("--insecure-loopback", serve_config.insecure_loopback,
                  "Plain ws:// without TLS; only on a loopback address");
  serve->add_option("--tls-cert", serve_config.tls_cert, "PEM certificate chain (wss://)");
  serve->add_option("--tls-key", serve_config.tls_key, "PEM private key of the certificate");
  serve->add_option("--threads", serve_config.threads, "I/O threads (default: one per core)");
  serve->add_option("--auth-failures-per-minute", serve_config.auth_failures_per_minute,
                    "Failed Hellos/Enrols from one address in a minute before it is refused "
                    "for the rest of it (default 5; 0: no limit)");
  serve->add_option("--max-connections", serve_config.max_connections,
                    "Connections held at once (default: the file descriptor limit, less 64)");
  serve->add_option("--max-connections-per-address", serve_config.max_connections_per_address,
                    "Connections held at once from one address, or IPv6 /64 (default 256)");
  serve->add_option("--attachment-quota-mib", serve_config.attachment_quota_mib,
                    "Attachments one user may hold on the server, in MiB (default 2048)");
  serve->add_option("--metrics-token-file", serve_config.metrics_token_file,
                    "A file holding the bearer token /metrics asks for (without it, only "
                    "scrapers on this machine may read /metrics)");

  iro::server::AdminContext admin_context(std::cout, std::cerr);
  auto* admin = app.add_subcommand("admin", "Manage councils, users, children and devices");
  admin->add_option("--data", admin_context.data_dir,
                    "The data directory (the embedded SQLite store)");
  admin->add_option("--store", admin_context.store_url,
                    "A PostgreSQL database instead: postgres://user@host:port/database");
  admin->require_subcommand(1);
  iro::server::add_admin_commands(*admin, admin_context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForVersion& version) {
    return app.exit(version);
  } catch (const CLI::ParseError& error) {
    std::cerr << "iro-server: " << error.what() << " (see iro-server --help)\n";
    return 2;
  } catch (const iro::Error& error) {
    std::cerr << "iro-server: " << error.what() << "\n";
    return 1;
  } catch (const std::exception& error) {
    std::cerr << "iro-server: " << error.what() << "\n";
    return 1;
  }

  if (serve->parsed()) {
    if (!split_listen(listen, serve_config.host, serve_config.port)) {
      std::cerr << "iro-server: --listen \"" << listen << "\" is not HOST:PORT\n";
      return 2;
    }
    try {
      return iro::server::serve(serve_config);
    } catch (const std::exception& error) {
      std::cerr << "iro-server: " << error.what() << "\n";
      return 1;
    }
  }
  return admin_context.exit_code;
}
