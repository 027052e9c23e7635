// Failed authentication, limited per remote address (an IPv6 address by its
// /64: address_group): after `max_failures`
// failures (an unknown or wrong token, a bad enrolment code, an undecodable
// first frame) from one address within `window_ms`, that address's Hellos and
// Enrols are refused at once, without touching the store, until the oldest
// of those failures is `window_ms` old. Refusals while locked out do not
// count as failures, so a device that retries with backoff gets back in once
// the window has passed.
//
// Audit volume is bounded per address: each failure is audited by its
// session (at most `max_failures` a window); the first refusal of a lockout
// is audited; the later ones are only counted, and the count is handed out
// once the lockout is over (take_summaries) for one summary entry.
//
// Thread-safe: every session of the server shares one.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "iro/clock.hpp"

namespace iro::server {

struct AuthThrottleOptions {
  unsigned max_failures = 5;            // 0: no limit
  std::uint64_t window_ms = 60'000;     // failures older than this are forgotten
  std::size_t max_addresses = 100'000;  // addresses tracked at once (memory bound)
};

class AuthThrottle {
 public:
  AuthThrottle(AuthThrottleOptions options, Clock& clock);

  struct Lockout {
    std::uint64_t retry_after_ms = 0;  // when the address may try again, from now
    unsigned failures = 0;             // the failures within the window that caused it
    bool first_refusal = false;        // the first refusal of this lockout: audit it
  };
  // Asked before a Hello's token or an Enrol's code is looked at: nullopt
  // when the address may try, otherwise refuse it (and the refusal is
  // counted for the summary).
  std::optional<Lockout> check(std::string_view address);

  // A failed attempt from the address.
  void record_failure(std::string_view address);

  // check(), and when the address may try, a failure counted at once, so
  // attempts in flight together (each takes a while to judge) are counted
  // before any is judged: only max_failures of them are ever checked.
  // succeeded() takes the count back.
  std::optional<Lockout> begin_attempt(std::string_view address);
  void succeeded(std::string_view address);

  // Refusals not audited one by one, of lockouts that are over.
  struct Summary {
    std::string address;
    std::uint64_t refusals = 0;
  };
  std::vector<Summary> take_summaries();

  // The "a.b.c.d" or IPv6 address of an "address:port" peer; the text as
  // it is when it has no port.
  static std::string address_of(std::string_view peer);

  // "too many failed attempts from this address; try again in N s"
  static std::string refusal_reason(const Lockout& lockout);

 private:
  struct Entry {
    std::deque<std::uint64_t> failures;  // within the window, oldest first; at most max_failures
    std::uint64_t lockout_until = 0;     // the lockout whose first refusal was handed out
    std::uint64_t unreported = 0;        // later refusals of that lockout, not yet summarised
  };
  std::optional<Lockout> check_locked(const std::string& group);
  void record_failure_locked(const std::string& group);
  void forget_old_failures(Entry& entry, std::uint64_t now);
  void summarise(const std::string& address, Entry& entry);
  // Drops what no longer matters; at most once a window, or when full.
  void sweep(std::uint64_t now, bool full);

  AuthThrottleOptions m_options;
  Clock& m_clock;
  std::mutex m_lock;
  std::unordered_map<std::string, Entry> m_entries;
  std::vector<Summary> m_summaries;
  std::uint64_t m_last_sweep_ms = 0;
};

}  // namespace iro::server
