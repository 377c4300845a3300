// Every export format end to end: crawl the fixture site with the real
// binary, write each export, check them against their schemas and render the
// HTML dashboard in headless Chromium (tests/exports/check_exports.py), and
// prove that no export holds the canary or a plaintext identifier.
#include <catch2/catch.hpp>
#include <random>
#include <sys/stat.h>

#include "tests/fixtures/demo_content.h"
#include "tests/fixtures/paste_site.h"
#include "tests/fixtures/socks5_proxy.h"
#include "tests/support/leakmon_cli.h"
#include "tests/support/retention_check.h"

using namespace leakmon::testing;

TEST_CASE("Exports: json, ndjson, csv, stix, prometheus, html; schemas, browser, atomic, canary-free") {
  TempDir dir;
  PasteSite site;
  Socks5Proxy proxy;
  std::random_device rd;
  DemoContent content = InstallDemoContent(site, "CANARY-" + std::to_string(rd()) + "-" + std::to_string(rd()));
  REQUIRE(site.Start() > 0);
  proxy.MapAllOnion(site.port());
  REQUIRE(proxy.Start() > 0);
  dir.Write("leakmon.toml", DemoConfig(proxy.url()) + "\n[report]\norganization = \"Example Oy\"\n");
  dir.Write("people.csv", content.people_csv);
  REQUIRE(Leakmon({"keygen", "--out", "leakmon.key"}, dir.path()).exit_code == 0);
  REQUIRE(Leakmon({"hash-ids", "--key", "leakmon.key", "--in", "people.csv", "--out", "identifiers.csv"}, dir.path())
              .exit_code == 0);
  REQUIRE(Leakmon({"crawl", "--config", "leakmon.toml"}, dir.path()).exit_code == 0);

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
