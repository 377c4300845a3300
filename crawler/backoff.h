// How long to wait before trying again. Pure functions.
//
// Within a run, a fetch that failed with a transient error (fetch_error.h)
// is retried after an exponential delay with jitter: attempt n waits
// base·2^(n-1) capped at max, scaled by a factor in [0.5, 1), so that
// retries of many pages do not arrive at Tor in lockstep.
//
// Across runs, a site down in `failures` consecutive runs is skipped for
// a growing interval: nothing after one failed run (a blip), then
// base·2^(failures-2) capped at max: with 60 minutes, 1 h, 2 h, 4 h...
#pragma once

#include <cstdint>

namespace leakmon {

struct RetryPolicy {
  int max_attempts = 3;          // attempts per page and run, the first included
  std::int64_t base_ms = 2000;   // delay before the first retry, before jitter
  std::int64_t max_ms = 60000;   // cap on any delay
};

// The delay before retry number `retry` (1 = first retry). `unit` is a
// uniform random number in [0, 1) supplying the jitter.
std::int64_t RetryDelayMs(int retry, const RetryPolicy& policy, double unit);

// Seconds to skip a site after `failures` consecutive failed runs.
std::int64_t SiteSkipSeconds(std::int64_t failures, std::int64_t base_minutes, std::int64_t max_hours);

}  // namespace leakmon
