// What an alert message says, in each channel's style.
//
// A message (AlertNotice) carries one alert, a digest of several, or a test.
// Every style is built from the same facts, and only these: severity, site,
// URL, first-seen and detection times, counts per identifier kind, the refs
// involved (opaque ids), 12-hex-digit prefixes of the identifiers' keyed
// hashes, the content SHA-256 as evidence, and a one-line summary such as
//   "critical: records of 2 people (email, name) on demo-paste http://…/paste/a1".
// No page text exists in storage, so none can appear; no full keyed hash and
// no plaintext identifier is ever put in a message. Lists are capped
// (kMaxListed) and marked truncated; counts stay complete.
//
// Pure functions of their input; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/outbox.h"

namespace leakmon {

inline constexpr const char* kAlertSchema = "leakmon.alert/1";
inline constexpr std::size_t kHashPrefixChars = 12;
inline constexpr std::size_t kMaxListed = 100;   // refs and identifiers per alert
inline constexpr std::size_t kMaxDigestCards = 20;  // alerts drawn in a Slack/Teams digest

struct AlertNotice {
  enum class Type { kFinding, kDigest, kTest };
  Type type = Type::kFinding;
  std::string id;       // stable: a receiver can drop a message it has seen
  std::string channel;  // the [[alert]] name
  std::int64_t generated_at = 0;
  std::vector<AlertRow> alerts;  // one (kFinding), one or more (kDigest), none (kTest)
};

// "critical: records of 2 people (email, name) on demo-paste http://…"
std::string AlertSummary(const AlertRow& alert);
// The message's one line: the alert's summary, a digest's totals, or the test line.
std::string NoticeSummary(const AlertNotice& notice);
// The highest severity in the notice ("" when none is known).
std::string NoticeSeverity(const AlertNotice& notice);

// The generic JSON document (webhook style "generic", command stdin, email
// attachment): {"schema": "leakmon.alert/1", "type", "id", ..., "alerts": [...]}.
std::string GenericPayload(const AlertNotice& notice);
// Slack incoming-webhook payload (text fallback plus Block Kit blocks).
std::string SlackPayload(const AlertNotice& notice);
// Microsoft Teams workflow/incoming-webhook payload: a message with one
// Adaptive Card (version 1.4).
std::string TeamsPayload(const AlertNotice& notice);

// An RFC 5322 message (CRLF line ends), text/plain UTF-8 quoted-printable,
// with the summary, the facts and the generic JSON. `from` and `to` are the
// configured addresses; CR and LF are removed from every header value.
std::string EmailMessage(const AlertNotice& notice, const std::string& from, const std::vector<std::string>& to);

}  // namespace leakmon
