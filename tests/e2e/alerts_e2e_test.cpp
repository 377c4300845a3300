// Alerts end to end with the real binary, the fixture paste site behind the
// SOCKS5 test proxy, a webhook receiver and an SMTP server on loopback.
//
// Proves: the run killed between the commit of findings and their sending
// delivers them on the next run exactly once; a receiver that is down gets
// them on a later run, with the attempts recorded; digest email; alerts test;
// and that no alert payload carries the canary or a plaintext identifier.
#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include <httplib.h>

#include "tests/fixtures/demo_content.h"
#include "tests/fixtures/paste_site.h"
#include "tests/fixtures/smtp_server.h"
#include "tests/fixtures/socks5_proxy.h"
#include "tests/fixtures/webhook_receiver.h"
#include "tests/support/leakmon_cli.h"
#include "tests/support/retention_check.h"

using namespace leakmon::testing;
using nlohmann::json;

namespace {

// The demo site whose last item (/paste/b2) can be made to hang, so that a
// run can be killed after findings were committed and before any send.
struct AlertWorld {
  TempDir dir;
  PasteSite site;
  Socks5Proxy proxy;
  DemoContent content;
  WebhookReceiver hook;
  std::atomic<bool> hang{false};

  AlertWorld() {
    std::random_device rd;
    content = InstallDemoContent(site, "CANARY-" + std::to_string(rd()) + std::to_string(rd()));
    site.Handle("/paste/b2", [this](const httplib::Request&, httplib::Response& res) {
      for (int i = 0; i < 400 && hang; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      res.status = 404;
    });
    REQUIRE(site.Start() > 0);
    proxy.MapAllOnion(site.port());
    REQUIRE(proxy.Start() > 0);
    REQUIRE(hook.Start() > 0);
    dir.Write("people.csv", content.people_csv);
    REQUIRE(Leakmon({"keygen", "--out", "leakmon.key"}, dir.path()).exit_code == 0);
    REQUIRE(Leakmon({"hash-ids", "--key", "leakmon.key", "--in", "people.csv", "--out", "identifiers.lmids"}, dir.path())
                .exit_code == 0);
  }
  ~AlertWorld() { hang = false; }

  void Config(const std::string& alerts) { dir.Write("leakmon.toml", DemoConfig(proxy.url()) + "\n" + alerts); }

  std::string HookAlert(int retry_seconds = 300) const {
    return "[[alert]]\nname = \"soc-hook\"\ntype = \"webhook\"\nurl = \"" + hook.url() +
           "\"\nretry_initial_seconds = " + std::to_string(retry_seconds) + "\n";
  }

  ProcessResult Run(const std::vector<std::string>& args, ProcessOptions o = {}) {
    ProcessResult r = Leakmon(args, dir.path(), o);
    outputs.push_back(r.out + r.err);
    return r;
  }

  // alert_id -> how many times the receiver got it.
  std::map<std::string, int> Received() const {
    std::map<std::string, int> got;
    for (const WebhookRequest& r : hook.requests()) {
      json doc = json::parse(r.body);
      if (doc["type"] == "finding") ++got[doc["id"]];
    }
    return got;
  }

  json Pending() {
    ProcessResult r = Run({"alerts", "--config", "leakmon.toml", "--pending", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
  }

  std::vector<std::string> outputs;
};

const std::map<std::string, int> kFourOnce = {
    {"leakmon-alert-1", 1}, {"leakmon-alert-2", 1}, {"leakmon-alert-3", 1}, {"leakmon-alert-4", 1}};

}  // namespace

TEST_CASE("A run killed between commit and send: the alerts arrive on the next run, exactly once") {
  AlertWorld w;
  w.Config(w.HookAlert());
  w.hang = true;
  ProcessOptions killer;
  killer.timeout = std::chrono::milliseconds(6000);  // SIGKILL while /paste/b2 hangs
  ProcessResult killed = w.Run({"crawl", "--config", "leakmon.toml"}, killer);
  REQUIRE(killed.signal == SIGKILL);
  w.hang = false;
  CHECK(w.hook.requests().empty());  // committed, not sent
  json pending = w.Pending();
  CHECK(pending.size() == 4);  // a1, a2, a3, b1: every page with findings

  ProcessResult second = w.Run({"crawl", "--config", "leakmon.toml"});
  CHECK(second.exit_code == 0);
  CHECK(second.out.find("alerts: 4 sent in 4 messages") != std::string::npos);
  CHECK(w.Received() == kFourOnce);
  CHECK(w.Pending().empty());

  ProcessResult third = w.Run({"crawl", "--config", "leakmon.toml"});
  CHECK(third.exit_code == 0);
  CHECK(w.Received() == kFourOnce);
  // Each message is for one page, with the severity and counts of its findings.
  std::set<std::string> urls;
  for (const WebhookRequest& r : w.hook.requests()) {
    json a = json::parse(r.body)["alerts"][0];
    urls.insert(a["url"].get<std::string>().substr(std::string("http://").size() + std::string(kDemoOnion).size()));
    if (a["url"].get<std::string>().find("/paste/a1") != std::string::npos) {
      CHECK(a["severity"] == "critical");  // name + email of one person: a record
      CHECK(a["counts"] == json{{"email", 1}, {"name", 1}});
      CHECK(a["refs"] == json{"P-1001"});
    }
  }
  CHECK(urls == std::set<std::string>{"/paste/a1", "/paste/a2", "/paste/a3", "/paste/b1"});
}

TEST_CASE("A receiver that is down: alerts are kept with their attempts and sent on a later run") {
  AlertWorld w;
  int port = w.hook.port();
  w.hook.Stop();
  w.Config(w.HookAlert(1));
  ProcessResult first = w.Run({"crawl", "--config", "leakmon.toml"});
  CHECK(first.exit_code == 0);  // the crawl itself went fine
  CHECK(first.err.find("leakmon: warning: alert channel soc-hook: ") != std::string::npos);
  CHECK(first.err.find("4 alerts kept for a retry in 1 s or later") != std::string::npos);
  json pending = w.Pending();
  REQUIRE(pending.size() == 4);
  bool saw_attempt = false;
  for (const json& a : pending) {
    for (const json& d : a["deliveries"]) {
      if (d["attempts"] == 1) {
        saw_attempt = true;
        CHECK(d["last_error"].get<std::string>().find("soc-hook: ") == 0);
      }
    }
  }
  CHECK(saw_attempt);

  WebhookReceiver back;
  REQUIRE(back.Start(port) == port);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // past the 1 s backoff
  ProcessResult later = w.Run({"alerts", "send", "--config", "leakmon.toml"});
  CHECK(later.exit_code == 0);
  CHECK(later.out == "alerts: 4 sent in 4 messages, 0 failed\n");
  std::map<std::string, int> got;
  for (const WebhookRequest& r : back.requests()) ++got[json::parse(r.body)["id"]];
  CHECK(got == kFourOnce);
  CHECK(w.Pending().empty());
  w.Run({"crawl", "--config", "leakmon.toml"});
  CHECK(back.requests().size() == 4);
  ProcessResult table = w.Run({"alerts", "--config", "leakmon.toml"});
  CHECK(table.out.find("soc-hook  sent") != std::string::npos);
}

TEST_CASE("Digest email, command and webhook channels, alerts test, no payload holds page text") {
  AlertWorld w;
  SmtpServer smtp(SmtpServer::Mode::kStartTls, w.dir.File("smtp-ca.pem"));
  smtp.RequireAuth("leakmon", "mail-pw-123");
  REQUIRE(smtp.Start() > 0);
  w.dir.Write("smtp-password", "mail-pw-123\n", 0600);
  const std::string cmd_out = w.dir.File("command-payloads.ndjson");
  w.Config(w.HookAlert() +
           "\n[[alert]]\nname = \"soc-mail\"\ntype = \"email\"\ndigest = true\n"
           "smtp_url = \"smtp://127.0.0.1:" + std::to_string(smtp.port()) + "\"\n"
           "ca_file = \"smtp-ca.pem\"\nusername = \"leakmon\"\npassword_file = \"smtp-password\"\n"
           "from = \"leakmon <leakmon@example.org>\"\nto = [\"soc@example.org\"]\n"
           "\n[[alert]]\nname = \"critical-only\"\ntype = \"command\"\nmin_severity = \"critical\"\n"
           "command = [\"/bin/sh\", \"-c\", \"cat >> " + cmd_out + "; echo >> " + cmd_out + "\"]\n");

  ProcessResult test = w.Run({"alerts", "test", "--config", "leakmon.toml"});
  CHECK(test.exit_code == 0);
  CHECK(test.out == "soc-hook: test message sent\nsoc-mail: test message sent\ncritical-only: test message sent\n");
  REQUIRE(w.hook.requests().size() == 1);
  CHECK(json::parse(w.hook.requests()[0].body)["type"] == "test");
  REQUIRE(smtp.messages().size() == 1);

  ProcessResult crawl = w.Run({"crawl", "--config", "leakmon.toml"});
  CHECK(crawl.exit_code == 0);
  CHECK(w.Received() == kFourOnce);
  auto mails = smtp.messages();
  REQUIRE(mails.size() == 2);  // the test and one digest
  CHECK(mails[1].tls);
  CHECK(mails[1].data.find("Subject: [leakmon] leakmon digest: 4 new alerts (1 critical, 1 high, 2 low)") != std::string::npos);
  std::string commands = TempDir::Read(cmd_out);
  CHECK(std::count(commands.begin(), commands.end(), '\n') >= 2);  // the test and the one critical alert
  CHECK(commands.find("\"severity\":\"critical\"") != std::string::npos);
  CHECK(commands.find("\"severity\":\"low\"") == std::string::npos);
  CHECK(commands.find("\"severity\":\"high\"") == std::string::npos);

  // Nothing that left leakmon holds the canary, a plaintext identifier or a full keyed hash.
  std::vector<std::pair<std::string, std::string>> payloads = {{"command stdin", commands}};
  for (const WebhookRequest& r : w.hook.requests()) payloads.emplace_back("webhook body", r.body);
  for (const SmtpMessage& m : mails) payloads.emplace_back("email", m.data);
  for (const std::string& o : w.outputs) payloads.emplace_back("output", o);
  std::vector<std::string> forbidden = w.content.plaintext_values;
  forbidden.push_back(w.content.canary);
  forbidden.push_back("matti virtanen");
  forbidden.push_back("project nightjar");
  forbidden.push_back("mail-pw-123");
  json findings = json::parse(w.Run({"findings", "--config", "leakmon.toml", "--format", "json"}).out);
  REQUIRE(findings.size() == 5);
  for (const json& f : findings) forbidden.push_back(f["hash"].get<std::string>().substr(0, 13));
  CheckContainsNone(payloads, forbidden);
}
