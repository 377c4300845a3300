// Alert delivery as the commands do it: dispatch what is due, warn on
// stderr about every channel that failed (its alerts stay in the outbox for
// a later run), and count what was sent.
#pragma once

#include <cstdint>

#include "report/alert_dispatch.h"

namespace leakmon {

struct DeliveryTotals {
  std::int64_t messages = 0;
  std::int64_t alerts = 0;
  std::int64_t failed = 0;
};

// Storage errors come back as a Status; channel errors are warnings.
Status DeliverAlerts(AlertDispatcher& dispatcher, bool final, DeliveryTotals* totals);

}  // namespace leakmon
