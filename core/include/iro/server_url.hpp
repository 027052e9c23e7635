// The sync server's address as a device is given it, and the one rule every
// host that connects (the device transport the command line uses, the
// bridge's own transport and its sans-IO sessions) applies before it
// connects: outside this machine a device speaks only TLS (wss://), so
// neither its enrolment code nor its device token crosses a network in clear.
// Plain ws:// is for a server on this machine (the tests, `iro-server serve
// --insecure-loopback`), which no network sits between.
//
// The sans-IO sessions (sync_session.hpp) open no connection and leave the
// address to their host.
#pragma once

#include <string>
#include <string_view>

namespace iro {

struct ServerAddress {
  std::string host;  // an IPv6 address without its brackets
  std::string port;
  std::string path = "/";
  bool tls = false;
};

// "wss://host:port[/path]", or "ws://host:port[/path]" to a loopback host.
// Throws Error(invalid_input), before any connection, for anything else:
// another scheme, no host or port, or plain ws:// to another machine.
ServerAddress parse_server_url(std::string_view url);

// True for a host that can only be this machine: "localhost" (in any case),
// an IPv4 address in 127.0.0.0/8 written as four decimal numbers without
// leading zeros (so no resolver reads an octet as octal), and "::1". Names
// are not resolved: another spelling of a loopback address is refused, which
// errs on the safe side.
bool is_loopback_host(std::string_view host);

}  // namespace iro
