#include "report/alert_payload.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "common/clock.h"
#include "report/severity.h"
#include "report/text.h"

namespace leakmon {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxUrlChars = 2048;

std::string KindLabel(const std::string& kind) {
  static const std::map<std::string, std::string> kLabels = {
      {"national_id", "national ID"}, {"payment_card", "payment card"}, {"iban", "IBAN"},
      {"email_domain", "email domain"}};
  auto it = kLabels.find(kind);
  return it == kLabels.end() ? kind : it->second;
}

std::string SafeUrl(const AlertRow& a) { return Ellipsize(Printable(a.url), kMaxUrlChars); }

struct Facts {
  std::map<std::string, std::int64_t> identifiers_per_kind;  // distinct identifiers
  std::map<std::string, std::int64_t> occurrences_per_kind;
  std::set<std::string> refs;
  std::size_t record_refs = 0;  // refs with two or more kinds on the page
};

Facts FactsOf(const AlertRow& a) {
  Facts f;
  std::map<std::string, std::set<std::string>> kinds_by_ref;
  for (const AlertFindingRow& r : a.findings) {
    ++f.identifiers_per_kind[r.kind];
    f.occurrences_per_kind[r.kind] += r.count;
    if (!r.ref.empty()) {
      f.refs.insert(r.ref);
      kinds_by_ref[r.ref].insert(r.kind);
    }
  }
  for (const auto& [ref, kinds] : kinds_by_ref) f.record_refs += kinds.size() >= 2 ? 1 : 0;
  return f;
}

std::string Plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "records of 2 people (email, name)" / "3 people (email)" / "1 identifier (term)"
std::string WhatWasFound(const AlertRow& a) {
  Facts f = FactsOf(a);
  std::string kinds;
  for (const auto& [kind, n] : f.identifiers_per_kind) kinds += (kinds.empty() ? "" : ", ") + KindLabel(kind);
  std::string what;
  if (f.record_refs > 0) {
    what = "records of " + Plural(f.refs.size(), "person", "people");
  } else if (!f.refs.empty()) {
    what = Plural(f.refs.size(), "person", "people");
  } else {
    what = Plural(a.findings.size(), "identifier", "identifiers");
  }
  return what + " (" + kinds + ")";
}

std::string SeverityOrUnknown(const std::string& s) { return s.empty() ? "unknown" : s; }

json AlertJson(const AlertRow& a) {
  Facts f = FactsOf(a);
  json refs = json::array();
  for (const std::string& r : f.refs) {
    if (refs.size() == kMaxListed) break;
    refs.push_back(r);
  }
  json identifiers = json::array();
  for (const AlertFindingRow& r : a.findings) {
    if (identifiers.size() == kMaxListed) break;
    identifiers.push_back(json{{"kind", r.kind},
                               {"ref", r.ref},
                               {"hash_prefix", r.hash.substr(0, kHashPrefixChars)},
                               {"count", r.count}});
  }
  return json{
      {"alert_id", "leakmon-alert-" + std::to_string(a.id)},
      {"severity", SeverityOrUnknown(a.severity)},
      {"site", Printable(a.site)},
      {"url", SafeUrl(a)},
      {"first_seen", FormatRfc3339(a.first_seen_at)},
      {"detected_at", FormatRfc3339(a.created_at)},
      {"counts", f.identifiers_per_kind},
      {"occurrences", f.occurrences_per_kind},
      {"people", f.refs.size()},
      {"refs", refs},
      {"identifiers", identifiers},
      {"truncated", f.refs.size() > kMaxListed || a.findings.size() > kMaxListed},
      {"content_sha256", a.content_sha256},
      {"summary", AlertSummary(a)},
  };
}

const char* TypeName(AlertNotice::Type t) {
  switch (t) {
    case AlertNotice::Type::kFinding: return "finding";
    case AlertNotice::Type::kDigest: return "digest";
    case AlertNotice::Type::kTest: return "test";
  }
  return "finding";
}

std::string Dump(const json& j, int indent = -1) {
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

// Slack mrkdwn treats &, < and > as markup.
std::string SlackEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string KindCounts(const AlertRow& a) {
  std::string out;
  for (const auto& [kind, n] : FactsOf(a).identifiers_per_kind) {
    out += (out.empty() ? "" : ", ") + KindLabel(kind) + " " + std::to_string(n);
  }
  return out;
}

std::string RefsLine(const AlertRow& a) {
  Facts f = FactsOf(a);
  std::string out;
  std::size_t n = 0;
  for (const std::string& r : f.refs) {
    if (n++ == 20) {
      out += ", … (" + std::to_string(f.refs.size()) + " in all)";
      break;
    }
    out += (out.empty() ? "" : ", ") + r;
  }
  return out.empty() ? "-" : out;
}

// The facts of one alert as (title, value) pairs for cards and mail.
std::vector<std::pair<std::string, std::string>> FactList(const AlertRow& a) {
  return {{"Severity", SeverityOrUnknown(a.severity)},
          {"Site", Printable(a.site)},
          {"URL", SafeUrl(a)},
          {"First seen", FormatRfc3339(a.first_seen_at)},
          {"Identifiers", KindCounts(a)},
          {"Refs", RefsLine(a)},
          {"Content SHA-256", a.content_sha256},
          {"Alert id", "leakmon-alert-" + std::to_string(a.id)}};
}

std::vector<const AlertRow*> Shown(const AlertNotice& n) {
  std::vector<const AlertRow*> out;
  for (const AlertRow& a : n.alerts) {
    if (out.size() == kMaxDigestCards) break;
    out.push_back(&a);
  }
  return out;
}

std::string MoreLine(const AlertNotice& n) {
  if (n.alerts.size() <= kMaxDigestCards) return "";
  return "… and " + std::to_string(n.alerts.size() - kMaxDigestCards) + " more alerts (leakmon alerts --config …)";
}

// Quoted-printable (RFC 2045): lines of at most 76 characters.
std::string QuotedPrintable(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  std::size_t line = 0;
  auto put = [&](const std::string& piece) {
    if (line + piece.size() > 75) {
      out += "=\r\n";
      line = 0;
    }
    out += piece;
    line += piece.size();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\r\n";
      line = 0;
      continue;
    }
    bool trailing_space = (c == ' ' || c == '\t') && (i + 1 == text.size() || text[i + 1] == '\n');
    if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !trailing_space)) {
      put(std::string(1, static_cast<char>(c)));
    } else {
      put(std::string{'=', kHex[c >> 4], kHex[c & 15]});
    }
  }
  return out;
}

// A header value: no CR/LF (no header injection), ASCII only, bounded.
std::string HeaderValue(const std::string& s, std::size_t max = 200) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '\r' || c == '\n') continue;
    out.push_back(c < 0x20 || c >= 0x7f ? '?' : static_cast<char>(c));
  }
  return out.size() > max ? out.substr(0, max - 3) + "..." : out;
}

std::string RfcDate(std::int64_t t) {
  // RFC 5322 date in UTC, e.g. "Sat, 28 Nov 2026 20:31:05 +0000".
  time_t tt = static_cast<time_t>(t);
  struct tm tmv;
  gmtime_r(&tt, &tmv);
  char buf[64];
  strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tmv);
  return buf;
}

}  // namespace

std::string AlertSummary(const AlertRow& a) {
  return SeverityOrUnknown(a.severity) + ": " + WhatWasFound(a) + " on " + Printable(a.site) + " " + SafeUrl(a);
}

std::string NoticeSeverity(const AlertNotice& n) {
  int top = 0;
  for (const AlertRow& a : n.alerts) top = std::max(top, SeverityRank(a.severity));
  return SeverityNameOfRank(top);
}

std::string NoticeSummary(const AlertNotice& n) {
  switch (n.type) {
    case AlertNotice::Type::kTest:
      return "leakmon test message for channel " + Printable(n.channel) + ": delivery works";
    case AlertNotice::Type::kFinding:
      if (n.alerts.size() == 1) return AlertSummary(n.alerts[0]);
      break;
    case AlertNotice::Type::kDigest:
      break;
  }
  std::map<int, std::size_t, std::greater<>> by_severity;
  for (const AlertRow& a : n.alerts) ++by_severity[SeverityRank(a.severity)];
  std::string parts;
  for (const auto& [sev, count] : by_severity) {
    std::string name = sev == 0 ? "unknown" : SeverityNameOfRank(sev);
    parts += (parts.empty() ? "" : ", ") + std::to_string(count) + " " + name;
  }
  return "leakmon digest: " + Plural(n.alerts.size(), "new alert", "new alerts") + " (" + parts + ")";
}

std::string GenericPayload(const AlertNotice& n) {
  json alerts = json::array();
  for (const AlertRow& a : n.alerts) alerts.push_back(AlertJson(a));
  std::string severity = NoticeSeverity(n);
  json doc{
      {"schema", kAlertSchema},
      {"type", TypeName(n.type)},
      {"id", n.id},
      {"channel", Printable(n.channel)},
      {"generated_at", FormatRfc3339(n.generated_at)},
      {"severity", severity.empty() ? json(nullptr) : json(severity)},
      {"summary", NoticeSummary(n)},
      {"alerts", alerts},
  };
  return Dump(doc) + "\n";
}

std::string SlackPayload(const AlertNotice& n) {
  json blocks = json::array();
  std::string title = n.type == AlertNotice::Type::kTest ? "leakmon test" : "leakmon alert";
  blocks.push_back(json{{"type", "header"}, {"text", {{"type", "plain_text"}, {"text", title}}}});
  blocks.push_back(json{{"type", "section"},
                        {"text", {{"type", "mrkdwn"}, {"text", SlackEscape(Ellipsize(NoticeSummary(n), 2900))}}}});
  for (const AlertRow* a : Shown(n)) {
    json fields = json::array();
    for (const auto& [title_text, value] : FactList(*a)) {
      if (fields.size() == 10) break;  // Slack's limit per section
      fields.push_back(json{{"type", "mrkdwn"},
                            {"text", "*" + title_text + "*\n" + SlackEscape(Ellipsize(value, 1900))}});
    }
    if (n.alerts.size() > 1) {
      blocks.push_back(json{{"type", "section"},
                            {"text", {{"type", "mrkdwn"}, {"text", SlackEscape(Ellipsize(AlertSummary(*a), 2900))}}}});
    }
    blocks.push_back(json{{"type", "section"}, {"fields", fields}});
  }
  std::string more = MoreLine(n);
  json context_elems = json::array({json{{"type", "mrkdwn"}, {"text", SlackEscape("leakmon message " + n.id)}}});
  if (!more.empty()) context_elems.push_back(json{{"type", "mrkdwn"}, {"text", SlackEscape(more)}});
  blocks.push_back(json{{"type", "context"}, {"elements", context_elems}});
  json doc{{"text", Ellipsize(NoticeSummary(n), 2900)},
           {"unfurl_links", false},
           {"unfurl_media", false},
           {"blocks", blocks}};
  return Dump(doc) + "\n";
}

std::string TeamsPayload(const AlertNotice& n) {
  json body = json::array();
  int top = SeverityRank(NoticeSeverity(n));
  body.push_back(json{{"type", "TextBlock"},
                      {"text", n.type == AlertNotice::Type::kTest ? "leakmon test" : "leakmon alert"},
                      {"weight", "Bolder"},
                      {"size", "Medium"},
                      {"color", top >= SeverityRank("high") ? "Attention" : "Default"}});
  body.push_back(json{{"type", "TextBlock"}, {"text", Ellipsize(NoticeSummary(n), 2000)}, {"wrap", true}});
  for (const AlertRow* a : Shown(n)) {
    if (n.alerts.size() > 1) {
      body.push_back(json{{"type", "TextBlock"},
                          {"text", Ellipsize(AlertSummary(*a), 2000)},
                          {"wrap", true},
                          {"separator", true}});
    }
    json facts = json::array();
    for (const auto& [title, value] : FactList(*a)) {
      facts.push_back(json{{"title", title}, {"value", Ellipsize(value, 1000)}});
    }
    body.push_back(json{{"type", "FactSet"}, {"facts", facts}});
  }
  std::string more = MoreLine(n);
  if (!more.empty()) body.push_back(json{{"type", "TextBlock"}, {"text", more}, {"wrap", true}});
  json card{{"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
            {"type", "AdaptiveCard"},
            {"version", "1.4"},
            {"body", body}};
  json doc{{"type", "message"},
           {"summary", Ellipsize(NoticeSummary(n), 200)},
           {"attachments",
            json::array({json{{"contentType", "application/vnd.microsoft.card.adaptive"},
                              {"contentUrl", nullptr},
                              {"content", card}}})}};
  return Dump(doc) + "\n";
}

std::string EmailMessage(const AlertNotice& n, const std::string& from, const std::vector<std::string>& to) {
  std::string text = NoticeSummary(n) + "\n\n";
  for (const AlertRow& a : n.alerts) {
    if (n.alerts.size() > 1) text += AlertSummary(a) + "\n";
    for (const auto& [title, value] : FactList(a)) text += "  " + title + ": " + value + "\n";
    text += "\n";
  }
  text += "Machine-readable (" + std::string(kAlertSchema) + "):\n" + GenericPayload(n);

  std::string to_line;
  for (const std::string& addr : to) to_line += (to_line.empty() ? "" : ", ") + HeaderValue(addr);
  std::string msg;
  msg += "From: " + HeaderValue(from) + "\r\n";
  msg += "To: " + to_line + "\r\n";
  msg += "Subject: [leakmon] " + HeaderValue(NoticeSummary(n), 180) + "\r\n";
  msg += "Date: " + RfcDate(n.generated_at) + "\r\n";
  msg += "Message-ID: <" + HeaderValue(n.id) + "@leakmon.invalid>\r\n";
  msg += "MIME-Version: 1.0\r\n";
  msg += "Content-Type: text/plain; charset=utf-8\r\n";
  msg += "Content-Transfer-Encoding: quoted-printable\r\n";
  msg += "X-Leakmon-Alert-Id: " + HeaderValue(n.id) + "\r\n";
  msg += "\r\n";
  msg += QuotedPrintable(text);
  if (msg.size() < 2 || msg.substr(msg.size() - 2) != "\r\n") msg += "\r\n";
  return msg;
}

}  // namespace leakmon
