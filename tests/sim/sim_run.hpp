// One seed of the simulation: the IROs write and edit visit notes on their
// devices while syncs run, with faults injected at random (sim_world.hpp);
// then the faults stop, every device syncs until done, and the invariants
// are checked:
//   - every device holds exactly what the server holds for its caseload
//     (byte-for-byte export), with nothing left in its outbox;
//   - every change the server acknowledged to a device is in the server's
//     history exactly once;
//   - every word typed on any device is in a note, a recorded conflict or
//     the quarantine, unless an IRO deleted it in an edit of their own;
//   - no typed word appears twice in one note (no change applied twice),
//     unless two devices settled the same conflict by putting its words back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace iro::sim {

struct SeedOptions {
  int steps = 60;      // random steps before healing
  bool trace = false;  // keep the step-by-step account even when the seed passes
};

struct SeedResult {
  std::uint32_t seed = 0;
  std::vector<std::string> failures;  // empty when every invariant held
  std::string trace;                  // what happened, step by step
  // How much of the fault space this seed reached.
  int cuts = 0, duplicates = 0, reorders = 0, device_crashes = 0, server_crashes = 0,
      reallocations = 0, conflicts_resolved = 0;
};

SeedResult run_seed(std::uint32_t seed, const SeedOptions& options = {});

}  // namespace iro::sim
