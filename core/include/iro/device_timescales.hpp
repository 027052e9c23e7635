// A child's timescales from what a device holds: its records and the
// council's policy as the server last said. What `iro timescales --child`
// prints and what the bridge returns to a tablet app, from one place.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "iro/date.hpp"
#include "iro/holiday_calendar.hpp"
#include "iro/store.hpp"
#include "iro/timescale_policy.hpp"

namespace iro {

// The council's policy from the last sync (statutory before the first).
// Throws Error(invalid_input) for a policy this build does not know, saying
// that the app is older than the server.
const TimescalePolicy& device_timescale_policy(const DeviceStore& store);

// child_timescales_json (child_timescales_json.hpp) for a child the device
// holds. Throws Error(not_found) when it holds no such child, and what
// child_timescales throws for records it cannot use.
nlohmann::ordered_json device_child_timescales_json(const DeviceStore& store,
                                                    std::string_view child_id,
                                                    const HolidayCalendar& calendar, Date as_of,
                                                    std::optional<Date> scheduled = std::nullopt);

// The same under a policy the caller looked up once (a caseload asks for
// seventy children; the policy is in the device's status, which counts the
// outbox).
nlohmann::ordered_json device_child_timescales_json(const DeviceStore& store,
                                                    std::string_view child_id,
                                                    const TimescalePolicy& policy,
                                                    const HolidayCalendar& calendar, Date as_of);

}  // namespace iro
