// The councils the storm and idle benchmarks sync with, written straight
// into a server data directory through the server's own account and caseload
// code (service/accounts.hpp, service/caseload.hpp), one transaction a step:
// the rows `iro-server admin add-tenant`, `add-user`, `allocate` and `enrol`
// write, without thousands of admin process runs (each opens the store and
// commits alone). Call these while the server is stopped.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace iro::bench {

// Field values a child's record has once allocated (six from the case
// system, a preferred name, and allocated_iro): what a device pulls per child
// at its first sync.
inline constexpr int kChildRecordFields = 8;
// Field values a visit written by add_visits() has.
inline constexpr int kServerVisitFields = 5;

// `iros` IRO users, `iros_per_council` to a council (tenant), each allocated
// `children_per_iro` children of their own. One device per IRO (one code
// each), so a device pulls its own caseload and never another's pushes.
struct CouncilShape {
  int iros = 0;
  int iros_per_council = 20;
  int children_per_iro = 0;
};

struct CouncilChild {
  std::string tenant;
  std::string id;
};

struct Councils {
  std::vector<std::string> codes;      // one enrolment code per IRO, in order
  std::vector<CouncilChild> children;  // IRO i has [i * per_iro, (i + 1) * per_iro)
};

// Tenants "bench-council-1"... Throws on failure.
Councils make_councils(const std::filesystem::path& data_dir, const CouncilShape& shape);

// `visits_per_child` new visits on each of `children`, written by the server
// (as colleagues' notes reach it while the devices are away): changes the
// devices pull at their next sync.
void add_visits(const std::filesystem::path& data_dir, const std::vector<CouncilChild>& children,
                int visits_per_child);

}  // namespace iro::bench
