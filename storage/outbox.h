// The alert outbox: alerts written with their findings, delivered after commit.
//
// Store::RecordPage calls EnqueueAlert inside the transaction that inserts a
// page's new findings, so an alert exists if and only if its findings do, and
// a finding belongs to at most one alert (UNIQUE finding_id): a finding is
// never alerted twice, whatever crashes happen.
//
// Delivery is per channel. A channel is registered the first time it is
// configured and receives the alerts created from then on (a new channel is
// not flooded with history). For each (alert, channel) a delivery row records
// its state (pending, sent, skipped), attempts, the next attempt time and the
// last error; alert_attempts logs every attempt.
//
// The sender's protocol (report/alert_dispatch.h):
//   1. Due(channel, now)                         alerts to send now
//   2. BeginAttempt(ids, channel, message_id,     committed before the send:
//                   now, retry_at)                attempts+1, next try at retry_at,
//                                                 the message the alerts went in
//   3. send
//   4. FinishAttempt(ids, channel, now, error)    sent, or the error kept
// A crash between 1 and 2 or 2 and 3 leaves the alert pending, to be sent on a
// later run. Only a crash between the receiver's acceptance and step 4 can
// repeat a message. So that receivers can drop the repeat, an alert once
// attempted in a message is only ever sent again in that same message: same
// id, same alerts (less any since skipped). Due() returns such a message's
// alerts together, with their message_id.
//
// Nothing here holds page text or plaintext identifiers. Not thread-safe;
// uses the caller's Database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/sqlite.h"

namespace leakmon {

// Writes one alert for the findings `finding_ids` of page `page_id`. Must be
// called inside the caller's transaction.
Status EnqueueAlert(Database& db, std::int64_t run_id, std::int64_t page_id, std::int64_t now,
                    const std::string& severity, const std::string& content_sha256,
                    const std::vector<std::int64_t>& finding_ids);

struct AlertFindingRow {
  std::string kind;
  std::string ref;
  std::string hash;  // full keyed hash; alert payloads show only a prefix
  std::int64_t count = 0;
};

struct AlertRow {
  std::int64_t id = 0;
  std::int64_t created_at = 0;
  std::string severity;  // empty when unknown
  std::string site;
  std::string url;
  std::string content_sha256;
  std::int64_t first_seen_at = 0;  // earliest first_seen_at of its findings
  std::vector<AlertFindingRow> findings;
  std::int64_t attempts = 0;  // attempts so far for the channel passed to Due(); 0 elsewhere
  std::string message_id;     // for that channel: the message it was attempted in; empty before
};

struct DeliveryState {
  std::int64_t alert_id = 0;
  std::string channel;
  std::string state = "pending";  // pending | sent | skipped
  std::int64_t attempts = 0;
  std::optional<std::int64_t> last_attempt_at;
  std::int64_t next_attempt_at = 0;
  std::optional<std::int64_t> delivered_at;
  std::string last_error;
};

class Outbox {
 public:
  explicit Outbox(Database& db) : db_(db) {}

  // Registers `channel` if new: it will receive alerts created after now.
  Status RegisterChannel(const std::string& channel, std::int64_t now);

  // Alerts for `channel` that are neither sent nor skipped and whose next
  // attempt is due at `now`, oldest first, about `limit`: past the limit only
  // the remaining due alerts of a message already in the list, so that no
  // message is cut in two. An unregistered channel has none.
  Result<std::vector<AlertRow>> Due(const std::string& channel, std::int64_t now, std::int64_t limit = 1000);

  // Step 2 above: one committed transaction for all `alert_ids`, which go in
  // the message `message_id` (an alert's message never changes once set).
  Status BeginAttempt(const std::vector<std::int64_t>& alert_ids, const std::string& channel,
                      const std::string& message_id, std::int64_t now, std::int64_t retry_at);
  // Step 4: `error` empty means delivered.
  Status FinishAttempt(const std::vector<std::int64_t>& alert_ids, const std::string& channel, std::int64_t now,
                       const std::string& error);
  // Marks alerts as not meant for `channel` (below its min_severity).
  Status Skip(const std::vector<std::int64_t>& alert_ids, const std::string& channel, std::int64_t now);

  // Every alert with one delivery state per registered channel it is meant
  // for (alerts created before a channel was registered are not listed for
  // it), newest first. `pending_only` keeps states other than sent/skipped.
  Result<std::vector<std::pair<AlertRow, std::vector<DeliveryState>>>> List(bool pending_only,
                                                                            std::int64_t limit = 10000);

  // Number of (alert, channel) deliveries still pending for `channels`.
  Result<std::int64_t> PendingCount(const std::vector<std::string>& channels);

 private:
  Result<AlertRow> LoadAlert(std::int64_t id);
  Database& db_;
};

}  // namespace leakmon
