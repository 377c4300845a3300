// Wall-clock time as leakmon stores and prints it.
//
// Times are stored as integer Unix seconds (UTC) and printed as RFC 3339
// ("2026-11-28T20:31:05Z"). Code that needs "now" takes a Clock so tests can
// pin it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace leakmon {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t NowUnix() const = 0;
};

// The system clock. Thread-safe.
const Clock& SystemClock();

// Milliseconds that only move forward, for timeouts, delays and deadlines
// within a run (wall-clock jumps do not affect them). Tests pin or advance it.
class MonotonicClock {
 public:
  virtual ~MonotonicClock() = default;
  virtual std::int64_t NowMs() const = 0;
};

// std::chrono::steady_clock. Thread-safe.
const MonotonicClock& SteadyClock();

// "2026-11-28T20:31:05Z"
std::string FormatRfc3339(std::int64_t unix_seconds);

// Parses "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SSZ".
std::optional<std::int64_t> ParseDate(std::string_view text);

// Parses a duration in seconds: "90", "90s", "25m", "2h". At most 30 days.
std::optional<std::int64_t> ParseDuration(std::string_view text);

}  // namespace leakmon
