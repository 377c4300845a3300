// Site health with the real binary: a listing whose layout changed is
// reported "adapter broken?" in the run summary and by `leakmon sites`; a
// site down in consecutive runs backs off (skipped, exit 0) until its next
// attempt, unless --ignore-backoff.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/fixtures/demo_content.h"
#include "tests/fixtures/paste_site.h"
#include "tests/fixtures/socks5_proxy.h"
#include "tests/support/leakmon_cli.h"

using namespace leakmon::testing;

namespace {

struct HealthWorld {
  TempDir dir;
  PasteSite site;
  Socks5Proxy proxy;

  HealthWorld() {
    site.Set("/latest", {200, "text/html", "<a href=/paste/1>1</a><a href=/paste/2>2</a>"});
    site.Set("/paste/1", {200, "text/plain", "one"});
    site.Set("/paste/2", {200, "text/plain", "two"});
    REQUIRE(site.Start() > 0);
    proxy.MapAllOnion(site.port());
    REQUIRE(proxy.Start() > 0);
    REQUIRE(MakeKeyAndIdentifiers(dir, "kind,value,ref\nemail,someone@example.fi,P-1\n"));
    dir.Write("leakmon.toml", "[tor]\nproxy = \"" + proxy.url() + "\"\n[identifiers]\nfile = \"identifiers.lmids\"\n"
                              "key_file = \"leakmon.key\"\n[crawl]\nadapter_broken_runs = 2\n"
                              "[[site]]\nname = \"p\"\nstart = [\"http://" + std::string(kDemoOnion) +
                              "/latest\"]\nitems = '/paste/[0-9]+$'\n");
  }
  ProcessResult Run(const std::vector<std::string>& args) { return Leakmon(args, dir.path()); }
  nlohmann::json Site() {
    auto all = nlohmann::json::parse(Run({"sites", "--config", "leakmon.toml", "--format", "json"}).out);
    REQUIRE(all.size() == 1);
    return all[0];
  }
};

}  // namespace

TEST_CASE("A listing that stops yielding items is reported: adapter broken?") {
  HealthWorld w;
  REQUIRE(w.Run({"crawl", "--config", "leakmon.toml"}).exit_code == 0);
  // The site changed its layout: the listing loads, but no link matches `items` any more.
  w.site.Set("/latest", {200, "text/html", "<div class=new-layout><span data-id=3>three</span></div>"});
  ProcessResult once = w.Run({"crawl", "--config", "leakmon.toml", "--quiet"});
  CHECK(once.exit_code == 0);
  CHECK(once.out.empty());  // quiet: nothing to say yet
  CHECK(w.Site()["status"] == "up");
  ProcessResult twice = w.Run({"crawl", "--config", "leakmon.toml", "--quiet"});
  CHECK(twice.exit_code == 0);
  const std::string listing = "http://" + std::string(kDemoOnion) + "/latest";
  CHECK(twice.out == "p: 1 pages, 0 errors, 0 new findings (adapter broken? " + listing +
                         " yielded no items in the last 2 runs)\n");
  nlohmann::json s = w.Site();
  CHECK(s["status"] == "adapter broken?");
  CHECK(s["history"] == "UUU");
  CHECK(s["item_links"] == 0);
  CHECK(s["broken_listings"] == nlohmann::json::array({listing}));
  std::string table = w.Run({"sites", "--config", "leakmon.toml"}).out;
  CHECK(table.find("p     adapter broken?  UUU") != std::string::npos);

  // Items again: healthy again.
  w.site.Set("/latest", {200, "text/html", "<a href=/paste/3>3</a>"});
  REQUIRE(w.Run({"crawl", "--config", "leakmon.toml"}).exit_code == 0);
  CHECK(w.Site()["status"] == "up");
}

TEST_CASE("A site down in consecutive runs backs off, and is tried again with --ignore-backoff") {
  HealthWorld w;
  w.site.Stop();
  CHECK(w.Run({"crawl", "--config", "leakmon.toml"}).exit_code == 3);  // first failure: tried again next run
  CHECK(w.Site()["status"] == "down");
  CHECK(w.Site()["next_attempt"].is_null());
  CHECK(w.Run({"crawl", "--config", "leakmon.toml"}).exit_code == 3);  // second: backs off for an hour
  nlohmann::json s = w.Site();
  CHECK(s["status"] == "backing off");
  CHECK(s["consecutive_failures"] == 2);
  CHECK(s["next_attempt"].is_string());

  std::size_t asked = w.proxy.requests().size();
  ProcessResult skipped = w.Run({"crawl", "--config", "leakmon.toml"});
  CHECK(skipped.exit_code == 0);
  CHECK(skipped.out.rfind("p: skipped until ", 0) == 0);
  CHECK(skipped.out.find("(down in 2 runs in a row: socks_connection_refused: ") != std::string::npos);
  CHECK(w.proxy.requests().size() == asked);  // nothing fetched
  CHECK(w.Site()["history"] == "DDS");
  CHECK(w.Run({"crawl", "--config", "leakmon.toml", "--quiet"}).out.empty());

  ProcessResult forced = w.Run({"crawl", "--config", "leakmon.toml", "--ignore-backoff"});
  CHECK(forced.exit_code == 3);
  CHECK(w.proxy.requests().size() == asked + 1);
  CHECK(w.Site()["consecutive_failures"] == 3);
}
