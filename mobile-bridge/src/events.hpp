// The JSON events a store's listener receives (iro.h, iro_store_set_listener).
#pragma once

#include <string>
#include <string_view>

#include "iro/sync_events.hpp"

namespace iro::bridge {

// {"event":"changed","origin":"local","doc_ids":[doc_id]}
std::string local_change_event(std::string_view doc_id);

// A sync's step: {"event":"changed","origin":"pull"|"push"|"purge",...} or
// {"event":"synced",...} when it caught up.
std::string sync_event(const SyncEvent& event);

// {"event":"wiped","reason":...}
std::string wiped_event(std::string_view reason);

}  // namespace iro::bridge
