#include "service/peer_address.hpp"

#include <arpa/inet.h>

#include <algorithm>

namespace iro::server {
namespace {

bool is_v4_mapped(const in6_addr& v6) {
  return std::all_of(v6.s6_addr, v6.s6_addr + 10, [](auto b) { return b == 0; }) &&
         v6.s6_addr[10] == 0xff && v6.s6_addr[11] == 0xff;
}

}  // namespace

std::string address_group(std::string_view address) {
  const std::string text(address);
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return text;  // IPv4, or not an address
  if (is_v4_mapped(v6)) {
    char v4[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, v6.s6_addr + 12, v4, sizeof v4);
    return v4;
  }
  std::fill(v6.s6_addr + 8, v6.s6_addr + 16, 0);
  char prefix[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, &v6, prefix, sizeof prefix);
  return std::string(prefix) + "/64";
}

bool is_loopback(std::string_view address) {
  const std::string text(address);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return false;
  if (is_v4_mapped(v6)) return v6.s6_addr[12] == 127;
  return IN6_IS_ADDR_LOOPBACK(&v6);
}

}  // namespace iro::server
