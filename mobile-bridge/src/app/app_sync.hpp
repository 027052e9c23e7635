// The app's sync: started by a request (sync.now) and run on a thread of the
// store handle's own over the built-in transport, so the screens go on
// answering while it waits for the network; its progress is read by the
// status request. One at a time: a request while one runs starts nothing.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "handles.hpp"

namespace iro::app {

// Starts a sync unless one is running; {"started": bool}. Refuses a device
// that has not enrolled (Error(invalid_input)).
nlohmann::json start_sync(const std::shared_ptr<bridge::StoreHandle>& handle);

// The progress of the running sync, or how the last one ended:
// {"running", "state", "pushed", "pulled", "result", "message", "finished"}.
nlohmann::json sync_progress(bridge::StoreHandle& handle);

}  // namespace iro::app
