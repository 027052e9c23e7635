// What the storm and idle benchmarks share: bench/run's JSON line, a server
// process's memory and CPU as the kernel reports them, and percentiles.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace iro::bench {

// One figure: {"name", "value", "unit", "goal", "ok"}; goal and ok are JSON
// ("null" when the figure has no goal).
inline void print_figure(const char* name, double value, const char* unit, const char* goal,
                         const char* ok) {
  std::printf("{\"name\": \"%s\", \"value\": %.3f, \"unit\": \"%s\", \"goal\": %s, \"ok\": %s}\n",
              name, value, unit, goal, ok);
  std::fflush(stdout);
}

// A "VmRSS"-style line of /proc/PID/status, in bytes: VmRSS (resident now),
// VmHWM (the peak resident). Throws when the process or line is gone.
inline std::uint64_t proc_status_bytes(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with(field + ":")) {
      std::istringstream fields(line.substr(field.size() + 1));
      std::uint64_t kilobytes = 0;
      fields >> kilobytes;
      return kilobytes * 1024;
    }
  }
  throw std::runtime_error("no " + field + " for process " + std::to_string(pid));
}

// Says so when a server the bench started did not exit cleanly on SIGTERM
// (`status` from ServerProcess::stop: -1 when it had to be killed, as a
// server whose threads are stuck is).
inline void warn_unless_stopped_cleanly(const char* bench, const char* which, int status) {
  if (status != 0) {
    std::fprintf(stderr, "%s: warning: the %s server did not stop cleanly (status %d)\n", bench,
                 which, status);
  }
}

// The p-th percentile (0-100) of `values`, nearest rank.
inline double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = std::size_t(std::max(1.0, std::ceil(p / 100.0 * double(values.size()))));
  return values[std::min(rank, values.size()) - 1];
}

}  // namespace iro::bench
