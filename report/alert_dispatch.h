// AlertDispatcher: sends the outbox (storage/outbox.h) through the channels.
//
// Call order, in a run: RegisterChannels() once, then Dispatch() after
// findings were committed (as often as wanted; Dispatch(true) at the end of
// a run also sends digests). For each channel, Dispatch:
//   - marks due alerts below the channel's min_severity as skipped;
//   - sends each due alert as one message, or, for a digest channel and only
//     when `final` is set, all of them as one message; an alert attempted
//     before is sent again only in the message it was first attempted in
//     (same id, same alerts), whatever happened since;
//   - records every attempt before sending and its result after, so a crash
//     at any point loses nothing (see outbox.h for the one repeat window);
//   - on a failure, stops sending to that channel for this call and
//     schedules a retry after retry_initial_seconds * 2^(attempts - 1),
//     capped at retry_max_seconds.
// Errors from storage end the call; errors from channels are reported in the
// DispatchReport. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "report/alert_channel.h"
#include "storage/outbox.h"

namespace leakmon {

struct DispatchReport {
  std::int64_t messages_sent = 0;
  std::int64_t alerts_sent = 0;      // (alert, channel) deliveries
  std::int64_t alerts_skipped = 0;   // below a channel's min_severity
  std::int64_t alerts_failed = 0;    // attempted and failed; retried later
  std::vector<std::string> errors;   // one line per failed channel, no secrets
};

class AlertDispatcher {
 public:
  // `channels` and `db` must outlive the dispatcher.
  AlertDispatcher(Database& db, const std::vector<std::unique_ptr<AlertChannel>>& channels, const Clock& clock)
      : outbox_(db), channels_(channels), clock_(clock) {}

  Status RegisterChannels();
  Result<DispatchReport> Dispatch(bool final);

 private:
  Status DispatchChannel(AlertChannel& ch, bool final, DispatchReport* report);
  Outbox outbox_;
  const std::vector<std::unique_ptr<AlertChannel>>& channels_;
  const Clock& clock_;
};

// Sends a test message to every channel; one status per channel, in order.
// Touches no alert.
std::vector<Status> SendTestMessages(const std::vector<std::unique_ptr<AlertChannel>>& channels, const Clock& clock);

// "leakmon-alert-17", the id a single alert's message carries.
std::string AlertMessageId(std::int64_t alert_id);
// "leakmon-digest-17-40", the id of a digest first sent with alerts 17 to 40
// (alerts once in a digest never join another, so ids never collide).
std::string DigestMessageId(std::int64_t first_alert_id, std::int64_t last_alert_id);
bool IsDigestMessageId(std::string_view id);

}  // namespace leakmon
