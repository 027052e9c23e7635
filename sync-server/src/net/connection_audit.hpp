// Audit entries for connections refused before a session could say who it
// is: plaintext to a TLS server, no Hello in time, a frame over the limit.
// At most a few a minute per address (ServerShared::refused_connection_audit_limit),
// so a flood cannot fill the disk with them.
#pragma once

#include <string>

#include "net/websocket_session.hpp"

namespace iro::server {

// Appends an "connect" entry, outcome refused, for `peer` ("address:port")
// through the commit queue; `detail` says why (never anything the peer sent).
void audit_refused_connection(ServerShared& shared, const std::string& peer,
                              const std::string& detail);

}  // namespace iro::server
