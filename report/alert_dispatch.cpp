#include "report/alert_dispatch.h"

#include <algorithm>
#include <map>

namespace leakmon {
namespace {

constexpr std::string_view kDigestPrefix = "leakmon-digest-";

std::int64_t RetryDelay(const AlertOptions& o, std::int64_t attempts_before) {
  std::int64_t delay = o.retry_initial_seconds;
  for (std::int64_t i = 0; i < attempts_before && delay < o.retry_max_seconds; ++i) delay *= 2;
  return std::min(delay, o.retry_max_seconds);
}

}  // namespace

std::string AlertMessageId(std::int64_t alert_id) { return "leakmon-alert-" + std::to_string(alert_id); }

std::string DigestMessageId(std::int64_t first_alert_id, std::int64_t last_alert_id) {
  return std::string(kDigestPrefix) + std::to_string(first_alert_id) + "-" + std::to_string(last_alert_id);
}

bool IsDigestMessageId(std::string_view id) { return id.substr(0, kDigestPrefix.size()) == kDigestPrefix; }

Status AlertDispatcher::RegisterChannels() {
  for (const auto& ch : channels_) LEAKMON_RETURN_IF_ERROR(outbox_.RegisterChannel(ch->name(), clock_.NowUnix()));
  return Status::Ok();
}

Status AlertDispatcher::DispatchChannel(AlertChannel& ch, bool final, DispatchReport* report) {
  const AlertOptions& o = ch.options();
  if (o.digest && !final) return Status::Ok();
  LEAKMON_ASSIGN_OR_RETURN(std::vector<AlertRow> due, outbox_.Due(ch.name(), clock_.NowUnix()));
  std::vector<std::int64_t> skipped;
  std::vector<AlertRow> wanted;
  for (AlertRow& a : due) {
    if (SeverityRank(a.severity) < ch.min_severity_rank()) {
      skipped.push_back(a.id);
    } else {
      wanted.push_back(std::move(a));
    }
  }
  if (!skipped.empty()) {
    LEAKMON_RETURN_IF_ERROR(outbox_.Skip(skipped, ch.name(), clock_.NowUnix()));
    report->alerts_skipped += static_cast<std::int64_t>(skipped.size());
  }
  // An alert attempted before goes again in the message it went in (same
  // id, same alerts), so a receiver that got that message can drop the
  // repeat. The others go one message per alert, or in one new digest.
  std::vector<AlertNotice> notices;
  std::map<std::string, std::size_t> by_message;
  std::vector<AlertRow> fresh;
  for (AlertRow& a : wanted) {
    if (a.message_id.empty()) {
      fresh.push_back(std::move(a));
      continue;
    }
    auto [it, added] = by_message.emplace(a.message_id, notices.size());
    if (added) {
      AlertNotice n;
      n.id = a.message_id;
      if (IsDigestMessageId(n.id)) n.type = AlertNotice::Type::kDigest;
      notices.push_back(std::move(n));
    }
    notices[it->second].alerts.push_back(std::move(a));
  }
  if (o.digest && !fresh.empty()) {
    AlertNotice n;
    n.type = AlertNotice::Type::kDigest;
    n.id = DigestMessageId(fresh.front().id, fresh.back().id);
    n.alerts = std::move(fresh);
    notices.push_back(std::move(n));
  } else {
    for (AlertRow& a : fresh) {
      AlertNotice n;
      n.id = AlertMessageId(a.id);
      n.alerts.push_back(std::move(a));
      notices.push_back(std::move(n));
    }
  }
  for (std::size_t k = 0; k < notices.size(); ++k) {
    AlertNotice& n = notices[k];
    n.channel = ch.name();
    std::vector<std::int64_t> ids;
    std::int64_t attempts = 0;
    for (const AlertRow& a : n.alerts) {
      ids.push_back(a.id);
      attempts = std::max(attempts, a.attempts);
    }
    const std::int64_t now = clock_.NowUnix();
    n.generated_at = now;
    LEAKMON_RETURN_IF_ERROR(outbox_.BeginAttempt(ids, ch.name(), n.id, now, now + RetryDelay(o, attempts)));
    Status sent = ch.Send(n);
    LEAKMON_RETURN_IF_ERROR(outbox_.FinishAttempt(ids, ch.name(), clock_.NowUnix(), sent.ok() ? "" : sent.message()));
    if (!sent.ok()) {
      std::int64_t waiting = 0;
      for (std::size_t m = k; m < notices.size(); ++m) waiting += static_cast<std::int64_t>(notices[m].alerts.size());
      report->alerts_failed += static_cast<std::int64_t>(ids.size());
      report->errors.push_back("alert channel " + sent.message() + "; " + std::to_string(waiting) +
                               " alerts kept for a retry in " + std::to_string(RetryDelay(o, attempts)) + " s or later");
      return Status::Ok();  // stop this channel for now; the rest stay due
    }
    ++report->messages_sent;
    report->alerts_sent += static_cast<std::int64_t>(ids.size());
  }
  return Status::Ok();
}

Result<DispatchReport> AlertDispatcher::Dispatch(bool final) {
  DispatchReport report;
  for (const auto& ch : channels_) LEAKMON_RETURN_IF_ERROR(DispatchChannel(*ch, final, &report));
  return report;
}

std::vector<Status> SendTestMessages(const std::vector<std::unique_ptr<AlertChannel>>& channels, const Clock& clock) {
  std::vector<Status> out;
  for (const auto& ch : channels) {
    AlertNotice n;
    n.type = AlertNotice::Type::kTest;
    n.id = "leakmon-test-" + std::to_string(clock.NowUnix());
    n.channel = ch->name();
    n.generated_at = clock.NowUnix();
    out.push_back(ch->Send(n));
  }
  return out;
}

}  // namespace leakmon
