#include "store/server_store.hpp"

namespace iro::server {

std::string_view to_string(Role role) noexcept {
  switch (role) {
    case Role::iro:
      return "iro";
    case Role::manager:
      return "manager";
    case Role::admin:
      return "admin";
  }
  return "unknown";
}

std::optional<Role> parse_role(std::string_view name) noexcept {
  for (const Role role : {Role::iro, Role::manager, Role::admin}) {
    if (to_string(role) == name) return role;
  }
  return std::nullopt;
}

}  // namespace iro::server
