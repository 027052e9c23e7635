#include "iro/server_url.hpp"

#include <algorithm>
#include <cctype>

#include "iro/error.hpp"

namespace iro {
namespace {

// A decimal octet, 0-255, without a leading zero; -1 when it is not one.
int octet_of(std::string_view part) {
  if (part.empty() || part.size() > 3 || (part.size() > 1 && part.front() == '0')) return -1;
  int value = 0;
  for (const char c : part) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value <= 255 ? value : -1;
}

bool is_ipv4_loopback(std::string_view host) {
  int octets = 0;
  int first = -1;
  while (true) {
    const auto dot = host.find('.');
    const int value = octet_of(host.substr(0, dot));
    if (value < 0) return false;
    if (octets++ == 0) first = value;
    if (dot == std::string_view::npos) break;
    host.remove_prefix(dot + 1);
  }
  return octets == 4 && first == 127;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  return equals_ignoring_case(host, "localhost") || host == "::1" || is_ipv4_loopback(host);
}

ServerAddress parse_server_url(std::string_view url) {
  ServerAddress address;
  std::string_view rest;
  if (url.starts_with("ws://")) {
    rest = url.substr(5);
  } else if (url.starts_with("wss://")) {
    address.tls = true;
    rest = url.substr(6);
  } else {
    throw Error(ErrorCode::invalid_input,
                "\"" + std::string(url.substr(0, 80)) + "\" is not a ws:// or wss:// address");
  }
  const auto slash = rest.find('/');
  if (slash != std::string_view::npos) {
    address.path = std::string(rest.substr(slash));
    rest = rest.substr(0, slash);
  }
  const auto colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size()) {
    throw Error(ErrorCode::invalid_input, "the server address needs a host and a port");
  }
  address.host = std::string(rest.substr(0, colon));
  if (address.host.size() > 2 && address.host.front() == '[' && address.host.back() == ']') {
    address.host = address.host.substr(1, address.host.size() - 2);
  }
  address.port = std::string(rest.substr(colon + 1));
  if (address.port.find_first_not_of("0123456789") != std::string::npos) {
    throw Error(ErrorCode::invalid_input, "\"" + address.port + "\" is not a port number");
  }
  if (!address.tls && !is_loopback_host(address.host)) {
    throw Error(ErrorCode::invalid_input,
                "\"" + std::string(url.substr(0, 80)) +
                    "\" is not encrypted: use wss:// (plain ws:// is only for a server on this "
                    "machine: localhost, 127.0.0.1 or ::1)");
  }
  return address;
}

}  // namespace iro
