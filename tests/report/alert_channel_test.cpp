// Alert channels against real local receivers: a webhook receiver, an SMTP
// server with STARTTLS/SMTPS and AUTH, and real programs for `command`.
#include "report/alert_channel.h"

#include <catch2/catch.hpp>
#include <csignal>
#include <cstdlib>
#include <pthread.h>
#include <nlohmann/json.hpp>

#include "config/load.h"
#include "tests/fixtures/smtp_server.h"
#include "tests/fixtures/webhook_receiver.h"
#include "tests/support/temp_dir.h"

using namespace leakmon;
using namespace leakmon::testing;

namespace {

AlertNotice Notice() {
  AlertRow a;
  a.id = 5;
  a.created_at = 1000;
  a.severity = "critical";
  a.site = "demo-paste";
  a.url = "http://x.onion/paste/a1";
  a.content_sha256 = std::string(64, 'c');
  a.first_seen_at = 1000;
  a.findings = {{"email", "P-1", std::string(64, 'a'), 2}, {"name", "P-1", std::string(64, 'b'), 1}};
  AlertNotice n;
  n.id = "leakmon-alert-5";
  n.channel = "x";
  n.generated_at = 1000;
  n.alerts = {a};
  return n;
}

// Channels from a config text with one or more [[alert]] tables.
Result<std::vector<std::unique_ptr<AlertChannel>>> Channels(const TempDir& dir, const std::string& alerts) {
  std::string path = dir.Write("leakmon.toml", alerts);
  Result<Config> c = LoadConfigFile(path);
  if (!c.ok()) return c.status();
  return MakeAlertChannels(*c);
}

std::unique_ptr<AlertChannel> One(const TempDir& dir, const std::string& alert) {
  auto ch = Channels(dir, alert);
  INFO(ch.status().message());
  REQUIRE(ch.ok());
  REQUIRE(ch->size() == 1);
  return std::move((*ch)[0]);
}

std::string Error(const TempDir& dir, const std::string& alerts) {
  auto ch = Channels(dir, alerts);
  return ch.ok() ? "" : ch.status().message();
}

}  // namespace

TEST_CASE("Alert config: every mistake names the file and key, secrets never from the config") {
  TempDir dir;
  dir.Write("pw", "hunter2pw\n", 0644);
  dir.Write("pw600", "hunter2pw\n", 0600);
  struct Case {
    std::string toml;
    std::string error;
  };
  auto [toml, error] = GENERATE(values<Case>({
      {"[[alert]]\nname='a'\ntype='pager'\n", "leakmon.toml: alert[0].type: must be webhook, email or command"},
      {"[[alert]]\nname='a'\ntype='webhook'\n", "alert[0].url: set exactly one of url, url_file, url_env"},
      {"[[alert]]\nname='a'\ntype='webhook'\nurl='ftp://x'\n", "alert[0].url: expected an http:// or https:// URL"},
      {"[[alert]]\nname='a'\ntype='webhook'\nurl='http://x'\nstyle='discord'\n", "alert[0].style: must be"},
      {"[[alert]]\nname='a'\ntype='webhook'\nurl_env='LEAKMON_TEST_UNSET_VAR'\n",
       "alert[0].url_env: environment variable LEAKMON_TEST_UNSET_VAR is not set"},
      {"[[alert]]\nname='a'\ntype='webhook'\nurl='http://x'\nmin_severity='urgent'\n",
       "alert[0].min_severity: must be low, high or critical"},
      {"[[alert]]\nname='a'\ntype='webhook'\nurl='http://x'\nproxy='gopher://p'\n", "alert[0].proxy: expected"},
      {"[[alert]]\nname='a'\ntype='webhook'\nurl='http://x'\n[[alert]]\nname='a'\ntype='command'\ncommand=['true']\n",
       "alert[1].name: duplicate alert name \"a\""},
      {"[[alert]]\nname='m'\ntype='email'\nsmtp_url='smtp://h:587'\nfrom='a@b'\nto=['c@d']\nusername='u'\npassword='x'\n",
       "alert[0].password: secrets are never read from the config"},
      {"[[alert]]\nname='m'\ntype='email'\nsmtp_url='smtp://u:p@h:587'\nfrom='a@b'\nto=['c@d']\n",
       "alert[0].smtp_url: must not hold credentials"},
      {"[[alert]]\nname='m'\ntype='email'\nsmtp_url='smtp://h:587'\nfrom='a@b'\nto=['c@d']\nusername='u'\n",
       "alert[0].password_file: required (or password_env)"},
      {"[[alert]]\nname='m'\ntype='email'\nsmtp_url='smtp://h:587'\nfrom='a@b'\nto=['c@d']\nusername='u'\n"
       "password_file='pw'\n",
       "can be read by group or others; run: chmod 600"},
      {"[[alert]]\nname='m'\ntype='email'\nsmtp_url='smtp://h:587'\nfrom='a@b'\nto=['c@d']\ntls='smtps'\n",
       "alert[0].tls: tls = \"smtps\" goes with an smtps:// URL"},
      {"[[alert]]\nname='m'\ntype='email'\nsmtp_url='smtp://h:587'\nfrom='a@b'\nto=[]\n", "alert[0].to: needs at least one"},
      {"[[alert]]\nname='c'\ntype='command'\ncommand=[]\n", "alert[0].command: needs the program to run"},
      {"[[alert]]\nname='c'\ntype='command'\ncommand=['x']\nbogus=1\n", "alert[0].bogus: unknown key"},
  }));
  INFO(toml);
  std::string got = Error(dir, toml);
  CHECK(got.find(error) != std::string::npos);
  CHECK(got.find("hunter2") == std::string::npos);
  // A valid email channel with a private password file loads.
  CHECK(Error(dir, "[[alert]]\nname='m'\ntype='email'\nsmtp_url='smtp://h:587'\nfrom='a@b'\nto=['c@d']\nusername='u'\n"
                   "password_file='pw600'\n")
            .empty());
}

TEST_CASE("Webhook: each style POSTed as JSON with the message id, HTTP errors reported") {
  TempDir dir;
  WebhookReceiver rx;
  REQUIRE(rx.Start() > 0);
  std::string style = GENERATE("generic", "slack", "teams");
  auto ch = One(dir, "[[alert]]\nname='hook'\ntype='webhook'\nstyle='" + style + "'\nurl='" + rx.url() + "'\n");
  REQUIRE(ch->Send(Notice()).ok());
  auto reqs = rx.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].path == "/hook");
  CHECK(reqs[0].content_type == "application/json; charset=utf-8");
  CHECK(reqs[0].idempotency_key == "leakmon-alert-5");
  CHECK(reqs[0].user_agent.find("leakmon/") == 0);
  auto body = nlohmann::json::parse(reqs[0].body);
  if (style == "generic") CHECK(body["schema"] == "leakmon.alert/1");
  if (style == "slack") CHECK(body.contains("blocks"));
  if (style == "teams") CHECK(body["attachments"][0]["content"]["type"] == "AdaptiveCard");

  rx.SetStatus(500);
  Status s = ch->Send(Notice());
  CHECK(s.message() == "hook: HTTP 500 (receiver says no)");
}

TEST_CASE("Webhook: the URL may come from the environment and is never printed, env proxies are ignored") {
  TempDir dir;
  WebhookReceiver rx;
  REQUIRE(rx.Start() > 0);
  ::setenv("LEAKMON_TEST_HOOK", (rx.url("/services/T000/SECRET-TOKEN")).c_str(), 1);
  // A proxy in the environment that does not exist: alerts must not use it.
  ::setenv("http_proxy", "http://127.0.0.1:1", 1);
  ::setenv("HTTP_PROXY", "http://127.0.0.1:1", 1);
  ::setenv("ALL_PROXY", "http://127.0.0.1:1", 1);
  auto ch = One(dir, "[[alert]]\nname='hook'\ntype='webhook'\nstyle='slack'\nurl_env='LEAKMON_TEST_HOOK'\n");
  Status ok = ch->Send(Notice());
  ::unsetenv("http_proxy");
  ::unsetenv("HTTP_PROXY");
  ::unsetenv("ALL_PROXY");
  REQUIRE(ok.ok());
  REQUIRE(rx.requests().size() == 1);
  CHECK(rx.requests()[0].path == "/services/T000/SECRET-TOKEN");
  rx.Stop();
  Status down = ch->Send(Notice());
  CHECK_FALSE(down.ok());
  CHECK(down.message().find("hook: ") == 0);
  CHECK(down.message().find("SECRET-TOKEN") == std::string::npos);
  ::unsetenv("LEAKMON_TEST_HOOK");
}

TEST_CASE("Webhook: an explicit per-channel proxy is used") {
  TempDir dir;
  WebhookReceiver rx;  // stands in for the corporate proxy: it receives the absolute-form request
  REQUIRE(rx.Start() > 0);
  auto ch = One(dir, "[[alert]]\nname='hook'\ntype='webhook'\nurl='http://alerts.example.invalid/hook'\nproxy='http://127.0.0.1:" +
                         std::to_string(rx.port()) + "'\n");
  REQUIRE(ch->Send(Notice()).ok());
  REQUIRE(rx.requests().size() == 1);
}

TEST_CASE("Email over STARTTLS with AUTH PLAIN, password from a file") {
  TempDir dir;
  SmtpServer smtp(SmtpServer::Mode::kStartTls, dir.File("ca.pem"));
  smtp.RequireAuth("leakmon", "s3cret-pw");
  REQUIRE(smtp.Start() > 0);
  dir.Write("smtp-password", "s3cret-pw\n", 0600);
  auto ch = One(dir, "[[alert]]\nname='mail'\ntype='email'\nsmtp_url='smtp://127.0.0.1:" + std::to_string(smtp.port()) +
                         "'\nca_file='ca.pem'\nusername='leakmon'\npassword_file='smtp-password'\n"
                         "from='leakmon <alerts@example.org>'\nto=['soc@example.org', 'ciso@example.org']\n");
  Status s = ch->Send(Notice());
  INFO(s.message());
  REQUIRE(s.ok());
  auto msgs = smtp.messages();
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].tls);
  CHECK(msgs[0].auth_user == "leakmon");
  CHECK(msgs[0].mail_from == "alerts@example.org");
  CHECK(msgs[0].rcpt_to == std::vector<std::string>{"soc@example.org", "ciso@example.org"});
  CHECK(msgs[0].data.find("Subject: [leakmon] critical: records of 1 person (email, name) on demo-paste") !=
        std::string::npos);
  CHECK(msgs[0].data.find("s3cret") == std::string::npos);
}

TEST_CASE("Email over SMTPS with the password from the environment, a wrong password fails") {
  TempDir dir;
  SmtpServer smtp(SmtpServer::Mode::kImplicit, dir.File("ca.pem"));
  smtp.RequireAuth("leakmon", "right");
  REQUIRE(smtp.Start() > 0);
  std::string conf = "[[alert]]\nname='mail'\ntype='email'\ntls='smtps'\nsmtp_url='smtps://127.0.0.1:" +
                     std::to_string(smtp.port()) +
                     "'\nca_file='ca.pem'\nusername='leakmon'\npassword_env='LEAKMON_TEST_SMTP_PW'\n"
                     "from='alerts@example.org'\nto=['soc@example.org']\n";
  ::setenv("LEAKMON_TEST_SMTP_PW", "right", 1);
  REQUIRE(One(dir, conf)->Send(Notice()).ok());
  REQUIRE(smtp.messages().size() == 1);
  CHECK(smtp.messages()[0].tls);
  ::setenv("LEAKMON_TEST_SMTP_PW", "wrong", 1);
  Status bad = One(dir, conf)->Send(Notice());
  ::unsetenv("LEAKMON_TEST_SMTP_PW");
  CHECK_FALSE(bad.ok());
  CHECK(bad.message().find("mail: ") == 0);
  CHECK(bad.message().find("wrong") == std::string::npos);
  CHECK(smtp.messages().size() == 1);
}

TEST_CASE("Email: STARTTLS is required, a server without it gets nothing, unless tls = none") {
  TempDir dir;
  SmtpServer smtp(SmtpServer::Mode::kPlain, dir.File("ca.pem"));
  REQUIRE(smtp.Start() > 0);
  std::string base = "[[alert]]\nname='mail'\ntype='email'\nsmtp_url='smtp://127.0.0.1:" + std::to_string(smtp.port()) +
                     "'\nfrom='alerts@example.org'\nto=['soc@example.org']\n";
  CHECK_FALSE(One(dir, base)->Send(Notice()).ok());
  CHECK(smtp.messages().empty());
  REQUIRE(One(dir, base + "tls='none'\n")->Send(Notice()).ok());
  REQUIRE(smtp.messages().size() == 1);
  CHECK_FALSE(smtp.messages()[0].tls);
}

TEST_CASE("Email: a certificate that is not trusted is refused") {
  TempDir dir;
  SmtpServer smtp(SmtpServer::Mode::kStartTls, dir.File("ca.pem"));
  REQUIRE(smtp.Start() > 0);
  auto ch = One(dir, "[[alert]]\nname='mail'\ntype='email'\nsmtp_url='smtp://127.0.0.1:" + std::to_string(smtp.port()) +
                         "'\nfrom='alerts@example.org'\nto=['soc@example.org']\n");  // no ca_file: system CAs
  CHECK_FALSE(ch->Send(Notice()).ok());
  CHECK(smtp.messages().empty());
}

TEST_CASE("Command: a program that closes its stdin unread cannot kill leakmon, and gets default signals") {
  TempDir dir;
  // More than a pipe holds (64 KB), so the write is still going when the
  // program closes its stdin: the next write fails with EPIPE, every time.
  AlertNotice big = Notice();
  big.type = AlertNotice::Type::kDigest;
  big.alerts.assign(2000, big.alerts[0]);
  // leakmon ignores SIGPIPE (app/main.cpp); the program must not inherit that.
  const std::string status = dir.File("status");
  struct sigaction ignore {}, before {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &before);
  auto probe = One(dir, "[[alert]]\nname='cmd'\ntype='command'\ncommand=['/bin/sh', '-c', 'grep -E \"^Sig(Ign|Blk)\" "
                        "/proc/self/status > " + status + "']\n");
  Status probed = probe->Send(Notice());
  sigaction(SIGPIPE, &before, nullptr);  // back to the default: a stray SIGPIPE would end this test
  REQUIRE(probed.ok());
  for (const std::string& line : {std::string("SigIgn"), std::string("SigBlk")}) {
    std::string text = TempDir::Read(status);
    std::size_t at = text.find(line + ":");
    REQUIRE(at != std::string::npos);
    const unsigned long long mask = std::stoull(text.substr(at + line.size() + 1), nullptr, 16);
    INFO(line);
    CHECK((mask & (1ULL << (SIGPIPE - 1))) == 0);
  }

  auto closes = One(dir, "[[alert]]\nname='cmd'\ntype='command'\ncommand=['/bin/sh', '-c', 'exec 0<&-; sleep 0.3']\n");
  CHECK(closes->Send(big).ok());  // judged by its exit status
  auto fails = One(dir, "[[alert]]\nname='cmd'\ntype='command'\ncommand=['/bin/sh', '-c', 'exec 0<&-; sleep 0.3; exit 4']\n");
  CHECK(fails->Send(big).message() == "cmd: /bin/sh exited with status 4");
  // A SIGPIPE that was pending before stays pending; none is added.
  sigset_t pipe, old, pending;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, &old);
  CHECK(closes->Send(big).ok());
  sigpending(&pending);
  CHECK_FALSE(sigismember(&pending, SIGPIPE));
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

TEST_CASE("Command: the generic JSON on stdin, exit status and timeout decide") {
  TempDir dir;
  std::string out = dir.File("got.json");
  auto ok = One(dir, "[[alert]]\nname='cmd'\ntype='command'\ncommand=['/bin/sh', '-c', 'cat > " + out + "']\n");
  REQUIRE(ok->Send(Notice()).ok());
  auto doc = nlohmann::json::parse(TempDir::Read(out));
  CHECK(doc["id"] == "leakmon-alert-5");

  auto fails = One(dir, "[[alert]]\nname='cmd'\ntype='command'\ncommand=['/bin/sh', '-c', 'cat >/dev/null; exit 3']\n");
  CHECK(fails->Send(Notice()).message() == "cmd: /bin/sh exited with status 3");
  auto early = One(dir, "[[alert]]\nname='cmd'\ntype='command'\ncommand=['/bin/true']\n");
  CHECK(early->Send(Notice()).ok());  // did not read stdin, but succeeded
  auto missing = One(dir, "[[alert]]\nname='cmd'\ntype='command'\ncommand=['/nonexistent/notify']\n");
  CHECK_FALSE(missing->Send(Notice()).ok());
  auto slow = One(dir, "[[alert]]\nname='cmd'\ntype='command'\ntimeout_seconds=1\ncommand=['/bin/sleep', '30']\n");
  Status s = slow->Send(Notice());
  CHECK(s.message() == "cmd: /bin/sleep did not finish within 1 s; killed");
}
