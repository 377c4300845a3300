#include "crawler/backoff.h"

#include <algorithm>

namespace leakmon {

std::int64_t RetryDelayMs(int retry, const RetryPolicy& policy, double unit) {
  std::int64_t delay = policy.base_ms;
  for (int i = 1; i < retry && delay < policy.max_ms; ++i) delay *= 2;
  delay = std::min(delay, policy.max_ms);
  double factor = 0.5 + 0.5 * std::clamp(unit, 0.0, 0.999999);
  return static_cast<std::int64_t>(static_cast<double>(delay) * factor);
}

std::int64_t SiteSkipSeconds(std::int64_t failures, std::int64_t base_minutes, std::int64_t max_hours) {
  if (failures < 2) return 0;
  const std::int64_t max_seconds = max_hours * 3600;
  std::int64_t seconds = base_minutes * 60;
  for (std::int64_t i = 2; i < failures && seconds < max_seconds; ++i) seconds *= 2;
  return std::min(seconds, max_seconds);
}

}  // namespace leakmon
