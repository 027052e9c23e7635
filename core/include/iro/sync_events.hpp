// What a sync session changed in the device store, step by step, for hosts
// that show records live (the bridge's change listener, iro.h). A session
// with a sink reports each step after the store has committed it, on the
// thread driving the session.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace iro {

struct SyncEvent {
  enum class Type {
    pulled,     // a page of server changes (or a live change) was applied: doc_ids
    pushed,     // the server's verdicts on pushed changes were applied: doc_ids
    purged,     // children left the caseload and their records were removed
    caught_up,  // the device is in step with the server: done, or live again
  };
  Type type = Type::pulled;
  std::vector<std::string> doc_ids;    // the records the step touched, sorted, no duplicates
  std::vector<std::string> child_ids;  // purged: the children removed, sorted
  std::size_t pushed = 0;              // the session's counts so far (SyncProgress)
  std::size_t pulled = 0;
  std::size_t pending = 0;
};

// "pulled", "pushed", "purged", "caught_up".
std::string_view to_string(SyncEvent::Type type) noexcept;

// Must not throw: it runs inside the session, between two of its steps.
using SyncEventSink = std::function<void(const SyncEvent&)>;

}  // namespace iro
