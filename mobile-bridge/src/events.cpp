#include "events.hpp"

#include <nlohmann/json.hpp>

namespace iro::bridge {
namespace {

using nlohmann::ordered_json;

std::string dumped(const ordered_json& event) {
  return event.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace

std::string local_change_event(std::string_view doc_id) {
  return dumped({{"event", "changed"},
                 {"origin", "local"},
                 {"doc_ids", ordered_json::array({std::string(doc_id)})}});
}

std::string sync_event(const SyncEvent& event) {
  if (event.type == SyncEvent::Type::caught_up) {
    return dumped({{"event", "synced"},
                   {"pushed", event.pushed},
                   {"pulled", event.pulled},
                   {"pending", event.pending}});
  }
  const char* origin = event.type == SyncEvent::Type::pulled   ? "pull"
                       : event.type == SyncEvent::Type::pushed ? "push"
                                                               : "purge";
  ordered_json json = {{"event", "changed"}, {"origin", origin}, {"doc_ids", event.doc_ids}};
  if (event.type == SyncEvent::Type::purged) json["child_ids"] = event.child_ids;
  return dumped(json);
}

std::string wiped_event(std::string_view reason) {
  return dumped({{"event", "wiped"}, {"reason", std::string(reason)}});
}

}  // namespace iro::bridge
