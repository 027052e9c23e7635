// The server's log lines are logfmt: `event=NAME key=value ...`, so log tools
// can index and filter them. Every line of a connection carries its id
// (`connection=`, the same numbering as an HTTP reply's X-Request-Id) and its
// peer, so an operator follows one device's session through the log. Lines
// carry ids, counts and the server's own reasons: never a child's name nor a
// word of a record.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace iro::server {

using LogField = std::pair<std::string_view, std::string>;

// `event=EVENT k1=v1 k2=v2`. A value is quoted when it is empty or holds a
// space, '"', '=' or '\'; '"' and '\' are escaped, control characters become
// spaces, and it is cut to 200 bytes (reasons can quote what a device sent).
std::string logfmt(std::string_view event, std::initializer_list<LogField> fields);

// A new id for a connection or request: "<this process's start, ms>-<count>".
std::string next_connection_id();

}  // namespace iro::server
