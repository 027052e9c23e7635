// Telling peers apart by address, for limits and access: what counts as one
// client, and what is this machine.
#pragma once

#include <string>
#include <string_view>

namespace iro::server {

// What limits count by: an IPv4 address as it is (also when written as
// IPv4-mapped IPv6), an IPv6 address by its /64 network, which one
// subscriber holds whole ("2001:db8:1:2::/64"). Text that is no address
// stands for itself.
std::string address_group(std::string_view address);

// 127.0.0.0/8, ::1 or IPv4-mapped loopback.
bool is_loopback(std::string_view address);

}  // namespace iro::server
