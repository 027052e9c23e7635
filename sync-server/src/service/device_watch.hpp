// Revocation and cloned tokens, on every node: a device revoked by an
// administrator, or whose token opened another session, must not keep a
// session open anywhere. Every node reads, twice a second, the rows of the
// devices that have a session on it and hands each to those sessions (Hub),
// which end themselves if they must. The store is the only thing the nodes
// share, so this needs no message between them, and it holds on SQLite
// (an admin command beside the server) and PostgreSQL (many nodes) alike.
#pragma once

#include <chrono>

#include "service/hub.hpp"
#include "store/server_store.hpp"

namespace iro::server {

inline constexpr std::chrono::milliseconds kDeviceWatchInterval{500};

// One look: reads the devices with a session in `hub` and tells their
// sessions. Any thread; a failed read is logged and left to the next look.
void watch_devices_once(ServerStore& store, Hub& hub);

}  // namespace iro::server
