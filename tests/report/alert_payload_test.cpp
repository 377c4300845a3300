#include "report/alert_payload.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace leakmon;
using nlohmann::json;

namespace {

AlertRow Alert(std::int64_t id, const std::string& severity) {
  AlertRow a;
  a.id = id;
  a.created_at = 86400;
  a.severity = severity;
  a.site = "demo-paste";
  a.url = "http://x.onion/paste/a1";
  a.content_sha256 = std::string(64, 'c');
  a.first_seen_at = 86400;
  a.findings = {{"email", "P-1", std::string(64, 'a'), 2},
                {"name", "P-1", std::string(64, 'b'), 1},
                {"email", "P-2", std::string(64, 'd'), 1}};
  return a;
}

AlertNotice One(const AlertRow& a) {
  AlertNotice n;
  n.id = "leakmon-alert-" + std::to_string(a.id);
  n.channel = "ops";
  n.generated_at = 90000;
  n.alerts = {a};
  return n;
}

}  // namespace

TEST_CASE("Alert summary: one line with severity, what was found, site and URL") {
  struct Case {
    std::vector<AlertFindingRow> findings;
    std::string expected;
  };
  auto [findings, expected] = GENERATE(values<Case>({
      {{{"email", "P-1", "aa", 2}, {"name", "P-1", "bb", 1}, {"email", "P-2", "cc", 1}},
       "critical: records of 2 people (email, name) on demo-paste http://x.onion/paste/a1"},
      {{{"email", "P-1", "aa", 2}}, "critical: 1 person (email) on demo-paste http://x.onion/paste/a1"},
      {{{"term", "", "aa", 2}, {"term", "", "bb", 1}}, "critical: 2 identifiers (term) on demo-paste http://x.onion/paste/a1"},
      {{{"national_id", "P-9", "aa", 1}, {"phone", "P-9", "bb", 1}},
       "critical: records of 1 person (national ID, phone) on demo-paste http://x.onion/paste/a1"},
  }));
  AlertRow a = Alert(1, "critical");
  a.findings = findings;
  CHECK(AlertSummary(a) == expected);
}

TEST_CASE("Generic payload: the documented fields, hash prefixes only, no full hash") {
  AlertRow a = Alert(7, "critical");
  std::string text = GenericPayload(One(a));
  json doc = json::parse(text);
  CHECK(doc["schema"] == "leakmon.alert/1");
  CHECK(doc["type"] == "finding");
  CHECK(doc["id"] == "leakmon-alert-7");
  CHECK(doc["severity"] == "critical");
  CHECK(doc["summary"] == "critical: records of 2 people (email, name) on demo-paste http://x.onion/paste/a1");
  REQUIRE(doc["alerts"].size() == 1);
  const json& al = doc["alerts"][0];
  CHECK(al["site"] == "demo-paste");
  CHECK(al["url"] == "http://x.onion/paste/a1");
  CHECK(al["first_seen"] == "1970-01-02T00:00:00Z");
  CHECK(al["counts"] == json{{"email", 2}, {"name", 1}});
  CHECK(al["occurrences"] == json{{"email", 3}, {"name", 1}});
  CHECK(al["refs"] == json{"P-1", "P-2"});
  CHECK(al["people"] == 2);
  CHECK(al["content_sha256"] == std::string(64, 'c'));
  CHECK(al["identifiers"][0]["hash_prefix"] == std::string(12, 'a'));
  CHECK(al["truncated"] == false);
  // No identifier hash beyond its prefix, in any style.
  for (const std::string& payload : {text, SlackPayload(One(a)), TeamsPayload(One(a)),
                                     EmailMessage(One(a), "leakmon@example.org", {"soc@example.org"})}) {
    for (char h : {'a', 'b', 'd'}) CHECK(payload.find(std::string(13, h)) == std::string::npos);
  }
}

TEST_CASE("Lists are capped, counts stay complete") {
  AlertRow a = Alert(1, "high");
  a.findings.clear();
  for (int i = 0; i < 250; ++i) a.findings.push_back({"email", "P-" + std::to_string(i), std::string(64, 'e'), 1});
  json al = json::parse(GenericPayload(One(a)))["alerts"][0];
  CHECK(al["refs"].size() == kMaxListed);
  CHECK(al["identifiers"].size() == kMaxListed);
  CHECK(al["people"] == 250);
  CHECK(al["counts"]["email"] == 250);
  CHECK(al["truncated"] == true);
}

TEST_CASE("Digest: one message, the highest severity, totals in the summary") {
  AlertNotice n;
  n.type = AlertNotice::Type::kDigest;
  n.id = "leakmon-digest-1-3";
  n.alerts = {Alert(1, "low"), Alert(2, "critical"), Alert(3, "low")};
  CHECK(NoticeSeverity(n) == "critical");
  CHECK(NoticeSummary(n) == "leakmon digest: 3 new alerts (1 critical, 2 low)");
  json doc = json::parse(GenericPayload(n));
  CHECK(doc["type"] == "digest");
  CHECK(doc["alerts"].size() == 3);
}

TEST_CASE("Slack and Teams styles") {
  AlertRow a = Alert(3, "high");
  a.url = "http://x.onion/p?a=1&b=<2>";
  json slack = json::parse(SlackPayload(One(a)));
  CHECK(slack["text"].get<std::string>().find("high: ") == 0);
  CHECK(slack["unfurl_links"] == false);
  CHECK(slack["blocks"][0]["type"] == "header");
  std::string mrkdwn = slack["blocks"][1]["text"]["text"];
  CHECK(mrkdwn.find("&amp;b=&lt;2&gt;") != std::string::npos);  // Slack markup escaped

  json teams = json::parse(TeamsPayload(One(a)));
  CHECK(teams["type"] == "message");
  const json& att = teams["attachments"][0];
  CHECK(att["contentType"] == "application/vnd.microsoft.card.adaptive");
  CHECK(att["content"]["type"] == "AdaptiveCard");
  CHECK(att["content"]["version"] == "1.4");
  bool has_facts = false;
  for (const json& b : att["content"]["body"]) has_facts |= b["type"] == "FactSet";
  CHECK(has_facts);
}

TEST_CASE("Email: headers cannot be injected, body is quoted-printable with CRLF lines") {
  AlertRow a = Alert(4, "low");
  a.site = "evil\r\nBcc: victim@example.org";
  std::string msg = EmailMessage(One(a), "leakmon <alerts@example.org>", {"soc@example.org"});
  std::string headers = msg.substr(0, msg.find("\r\n\r\n"));
  CHECK(headers.find("\r\nBcc:") == std::string::npos);
  CHECK(headers.find("Subject: [leakmon] low: ") != std::string::npos);
  CHECK(headers.find("Content-Transfer-Encoding: quoted-printable") != std::string::npos);
  CHECK(headers.find("Message-ID: <leakmon-alert-4@leakmon.invalid>") != std::string::npos);
  std::size_t start = 0;
  while (start < msg.size()) {
    std::size_t end = msg.find("\r\n", start);
    REQUIRE(end != std::string::npos);
    CHECK(end - start <= 998);
    if (start > headers.size()) CHECK(end - start <= 76);
    start = end + 2;
  }
  for (std::size_t i = 0; i < msg.size(); ++i) {
    if (msg[i] == '\n') CHECK((i > 0 && msg[i - 1] == '\r'));
  }
}

TEST_CASE("Test notices say so") {
  AlertNotice n;
  n.type = AlertNotice::Type::kTest;
  n.id = "leakmon-test-1";
  n.channel = "ops";
  json doc = json::parse(GenericPayload(n));
  CHECK(doc["type"] == "test");
  CHECK(doc["alerts"].empty());
  CHECK(doc["severity"].is_null());
  CHECK(doc["summary"] == "leakmon test message for channel ops: delivery works");
}
