// Every export format end to end: crawl the fixture site with the real
// binary, write each export, check them against their schemas and render the
// HTML dashboard in headless Chromium (tests/exports/check_exports.py), and
// prove that no export holds the canary or a plaintext identifier.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>
#include <sys/stat.h>

#include "tests/fixtures/demo_content.h"
#include "tests/fixtures/paste_site.h"
#include "tests/fixtures/socks5_proxy.h"
#include "tests/support/leakmon_cli.h"
#include "tests/support/retention_check.h"

using namespace leakmon::testing;

namespace {

// A crawled demo site in a temp dir, for the read-only commands.
struct Crawled {
  TempDir dir;
  PasteSite site;
  Socks5Proxy proxy;
  DemoContent content;

  explicit Crawled(const std::string& extra_config = "") {
    std::random_device rd;
    content = InstallDemoContent(site, "CANARY-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    REQUIRE(site.Start() > 0);
    proxy.MapAllOnion(site.port());
    REQUIRE(proxy.Start() > 0);
    dir.Write("leakmon.toml", DemoConfig(proxy.url()) + "\n" + extra_config);
    dir.Write("people.csv", content.people_csv);
    REQUIRE(Leakmon({"keygen", "--out", "leakmon.key"}, dir.path()).exit_code == 0);
    REQUIRE(Leakmon({"hash-ids", "--key", "leakmon.key", "--in", "people.csv", "--out", "identifiers.lmids"}, dir.path())
                .exit_code == 0);
    REQUIRE(Leakmon({"crawl", "--config", "leakmon.toml"}, dir.path()).exit_code == 0);
  }
};

}  // namespace

TEST_CASE("findings and sites: tables, json, csv, filters (colour only on a terminal)") {
  Crawled c;
  auto run = [&](std::vector<std::string> args) {
    ProcessResult r = Leakmon(args, c.dir.path());
    INFO(r.err);
    CHECK(r.exit_code == 0);
    return r.out;
  };
  std::string table = run({"findings", "--config", "leakmon.toml"});
  CHECK(table.rfind("FIRST SEEN            SEVERITY  SITE        KIND   REF     HASH          COUNT  URL\n", 0) == 0);
  CHECK(table.find('\x1b') == std::string::npos);  // stdout is a pipe here
  auto crit = nlohmann::json::parse(run({"findings", "--config", "leakmon.toml", "--format", "json", "--severity", "critical"}));
  CHECK(crit.size() == 2);
  for (const auto& f : crit) CHECK(f["severity"] == "critical");
  CHECK(nlohmann::json::parse(run({"findings", "--config", "leakmon.toml", "--format", "json", "--severity", "low,high"}))
            .size() == 3);
  CHECK(run({"findings", "--config", "leakmon.toml", "--site", "nope"}) == "no findings\n");
  CHECK(run({"findings", "--config", "leakmon.toml", "--since", "2999-01-01"}) == "no findings\n");
  CHECK(Leakmon({"findings", "--config", "leakmon.toml", "--severity", "urgent"}, c.dir.path()).exit_code == 2);

  std::string sites = run({"sites", "--config", "leakmon.toml"});
  CHECK(sites.rfind("SITE        STATUS  HISTORY  LAST RUN", 0) == 0);
  CHECK(sites.find("demo-paste  up      U        ") != std::string::npos);
  auto js = nlohmann::json::parse(run({"sites", "--config", "leakmon.toml", "--format", "json"}));
  REQUIRE(js.size() == 1);
  CHECK(js[0]["status"] == "up");
  CHECK(js[0]["findings"] == 5);
  CHECK(js[0]["critical"] == 2);
  CHECK(js[0]["pages_fetched"] == 7);
  CHECK(js[0]["history"] == "U");
  CHECK(js[0]["pending_items"] == 1);  // the paste that answered 404
  CHECK(js[0]["item_links"] == 5);
  CHECK(js[0]["broken_listings"].empty());
  std::string csv = run({"sites", "--config", "leakmon.toml", "--format", "csv", "--severity", "critical"});
  CHECK(csv.find("site,status,last_run,last_success,consecutive_failures,pages_fetched,findings,critical,last_error,"
                 "history,next_attempt,pending_items,given_up_items,item_links,broken_listings\n"
                 "demo-paste,up,") == 0);
  CHECK(csv.find(",0,7,2,2,,U,,1,0,5,\n") != std::string::npos);
  CHECK(run({"sites", "--config", "leakmon.toml", "--site", "other"}) == "no sites\n");

  // On a terminal (script(1) gives the command a pty): colour, unless NO_COLOR.
  std::string cmd = LeakmonBinary() + " findings --config leakmon.toml --severity critical";
  ProcessOptions o;
  o.cwd = c.dir.path();
  o.unset_env = {"NO_COLOR"};
  o.env = {{"TERM", "xterm"}};
  ProcessResult tty = RunProcess({"/usr/bin/script", "-qec", cmd, "/dev/null"}, o);
  CHECK(tty.out.find("\x1b[1;31mcritical\x1b[0m") != std::string::npos);
  o.env["NO_COLOR"] = "1";
  ProcessResult plain = RunProcess({"/usr/bin/script", "-qec", cmd, "/dev/null"}, o);
  CHECK(plain.out.find("critical") != std::string::npos);
  CHECK(plain.out.find('\x1b') == std::string::npos);
}

TEST_CASE("Exports: json, ndjson, csv, stix, prometheus, html (schemas, browser, atomic, canary-free)") {
  Crawled c("[report]\norganization = \"Example Oy\"\n");
  const TempDir& dir = c.dir;
  const DemoContent& content = c.content;
  std::vector<std::pair<std::string, std::string>> written;
  for (const char* format : {"json", "ndjson", "csv", "stix", "prometheus", "html"}) {
    std::string out = std::string("out.") + format;
    dir.Write(out, "previous content\n");  // replaced atomically, never appended to
    ProcessResult r = Leakmon({"export", "--config", "leakmon.toml", "--format", format, "--out", out}, dir.path());
    INFO(format << ": " << r.err);
    CHECK(r.exit_code == 0);
    std::string text = TempDir::Read(dir.File(out));
    CHECK(text.find("previous content") == std::string::npos);
    struct stat st;
    REQUIRE(::stat(dir.File(out).c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == (std::string(format) == "prometheus" || std::string(format) == "html" ? 0644u : 0640u));
    written.emplace_back(out, text);
  }
  // No temporary file is left behind.
  ProcessResult ls = RunProcess({"/bin/ls", "-a", dir.path()});
  CHECK(ls.out.find(".tmp") == std::string::npos);

  ProcessResult bad = Leakmon({"export", "--config", "leakmon.toml", "--format", "xml", "--out", "x"}, dir.path());
  CHECK(bad.exit_code == 2);

  ProcessOptions slow;
  slow.timeout = std::chrono::milliseconds(300000);
  ProcessResult checked =
      RunProcess({"/usr/bin/python3", std::string(LEAKMON_SOURCE_DIR) + "/tests/exports/check_exports.py",
                  LEAKMON_SOURCE_DIR, dir.path()},
                 slow);
  INFO(checked.out << checked.err);
  CHECK(checked.exit_code == 0);
  CHECK(checked.out.find("ok: 0 problems") != std::string::npos);

  std::vector<std::string> forbidden = content.plaintext_values;
  forbidden.push_back(content.canary);
  forbidden.push_back("matti virtanen");
  forbidden.push_back("project nightjar");
  CheckContainsNone(written, forbidden);
}
