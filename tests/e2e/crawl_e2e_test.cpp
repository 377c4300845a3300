// End to end with the real binary: keygen -> hash-ids -> crawl (through the
// SOCKS5 test proxy to the fixture paste site) -> findings -> export.
//
// Asserts the exact findings, that every request went through the proxy by
// onion name, that a second crawl adds nothing and refetches no item, and
// that neither the canary planted in every page nor any plaintext
// identifier appears in anything leakmon wrote or printed.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "tests/fixtures/demo_content.h"
#include "tests/fixtures/paste_site.h"
#include "tests/fixtures/socks5_proxy.h"
#include "tests/support/leakmon_cli.h"
#include "tests/support/retention_check.h"

using namespace leakmon::testing;

namespace {

std::string RandomCanary() {
  std::random_device rd;
  char buf[32];
  std::snprintf(buf, sizeof buf, "CANARY-%08x%08x", rd(), rd());
  return buf;
}

struct World {
  TempDir dir;
  PasteSite site;
  Socks5Proxy proxy;
  DemoContent content;
  std::vector<ProcessResult> outputs;  // everything leakmon printed

  World() {
    content = InstallDemoContent(site, RandomCanary());
    REQUIRE(site.Start() > 0);
    proxy.MapAllOnion(site.port());
    REQUIRE(proxy.Start() > 0);
    dir.Write("leakmon.toml", DemoConfig(proxy.url()));
    dir.Write("people.csv", content.people_csv);
    Run({"keygen", "--out", "leakmon.key"}, 0);
    Run({"hash-ids", "--key", "leakmon.key", "--in", "people.csv", "--out", "identifiers.lmids"}, 0);
  }

  ProcessResult Run(const std::vector<std::string>& args, int expected_exit) {
    ProcessResult r = Leakmon(args, dir.path());
    INFO("leakmon " << args[0] << " stderr: " << r.err);
    CHECK(r.exit_code == expected_exit);
    outputs.push_back(r);
    return r;
  }

  // (path, kind, ref) of every stored finding, via `findings --format json`.
  std::set<std::tuple<std::string, std::string, std::string>> Findings() {
    ProcessResult r = Run({"findings", "--config", "leakmon.toml", "--format", "json"}, 0);
    std::set<std::tuple<std::string, std::string, std::string>> out;
    const std::string prefix = std::string("http://") + kDemoOnion;
    for (const auto& f : nlohmann::json::parse(r.out)) {
      std::string url = f["url"];
      REQUIRE(url.rfind(prefix, 0) == 0);
      out.emplace(url.substr(prefix.size()), f["kind"], f["ref"]);
    }
    return out;
  }

  std::set<std::tuple<std::string, std::string, std::string>> Expected() const {
    std::set<std::tuple<std::string, std::string, std::string>> out;
    for (const auto& e : content.expected) out.emplace(e.path, e.kind, e.ref);
    return out;
  }

  // Every needle that must never be written anywhere by leakmon.
  std::vector<std::string> Forbidden() const {
    std::vector<std::string> v = content.plaintext_values;
    v.push_back(content.canary);
    v.push_back("matti virtanen");
    v.push_back("liisa mäkinen");
    v.push_back("project nightjar");
    return v;
  }
};

}  // namespace

TEST_CASE("Crawl end to end: exact findings, only through the proxy, idempotent, nothing retained") {
  World w;
  ProcessResult first = w.Run({"crawl", "--config", "leakmon.toml"}, 0);
  CHECK(first.out == "demo-paste: 7 pages, 1 errors, 5 new findings\n");
  CHECK(first.err.empty());
  CHECK(w.Findings() == w.Expected());

  // Every request went through the proxy, by the onion name, never by address.
  auto reqs = w.proxy.requests();
  CHECK(reqs.size() >= 1);
  for (const SocksRequest& r : reqs) CHECK(r.host == kDemoOnion);
  // The site saw only the pages leakmon should fetch: listings, items, nothing out of scope.
  std::multiset<std::string> fetched;
  for (const auto& t : w.site.requested()) fetched.insert(t);
  CHECK(fetched == std::multiset<std::string>{"/latest", "/latest?page=2", "/paste/a1", "/paste/a2", "/paste/a3",
                                              "/paste/b1", "/paste/b2"});
  for (const auto& ua : w.site.user_agents()) CHECK(ua.find("Firefox") != std::string::npos);

  // Second run: listings again, no item refetched except the one that failed, no new findings.
  ProcessResult second = w.Run({"crawl", "--config", "leakmon.toml", "-v"}, 0);
  CHECK(second.out == "demo-paste: 3 pages, 1 errors, 0 new findings\n");
  CHECK(w.Findings() == w.Expected());
  std::multiset<std::string> all;
  for (const auto& t : w.site.requested()) all.insert(t);
  CHECK(all.count("/paste/a1") == 1);
  CHECK(all.count("/paste/b2") == 2);
  CHECK(all.count("/latest") == 2);

  // Exports and every other output.
  w.Run({"export", "--config", "leakmon.toml", "--format", "json", "--out", "findings.json"}, 0);
  auto doc = nlohmann::json::parse(TempDir::Read(w.dir.File("findings.json")));
  CHECK(doc["schema"] == "leakmon.findings/1");
  CHECK(doc["findings"].size() == w.Expected().size());
  for (const auto& f : doc["findings"]) {
    for (const char* key : {"site", "url", "kind", "ref", "hash", "count", "first_seen", "content_sha256"}) {
      CHECK(f.contains(key));
    }
    CHECK(f["site"] == "demo-paste");
    CHECK(f["hash"].get<std::string>().size() == 64);
    CHECK(f["content_sha256"].get<std::string>().size() == 64);
  }
  w.Run({"findings", "--config", "leakmon.toml"}, 0);
  w.Run({"findings", "--config", "leakmon.toml", "--format", "csv"}, 0);

  // The canary and the plaintext identifiers appear nowhere leakmon wrote:
  // database (and WAL, if present), identifier file, exports, and output.
  // Everything but the user's own input.
  auto haystacks = WrittenAndPrinted(w.dir.path(), w.outputs, {"people.csv", "leakmon.toml"});
  bool saw_db = false;
  for (const auto& [name, _] : haystacks) saw_db |= name == "leakmon.db";
  CHECK(saw_db);
  CheckContainsNone(haystacks, w.Forbidden());
}

TEST_CASE("Crawl with the proxy down exits 1 naming the proxy, and fetches nothing") {
  World w;
  int port = w.proxy.port();
  w.proxy.Stop();
  ProcessResult r = w.Run({"crawl", "--config", "leakmon.toml"}, 1);
  CHECK(r.err.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
  CHECK(r.err.find("nothing was fetched") != std::string::npos);
  CHECK(w.site.requested().empty());
}

TEST_CASE("Crawl of a site that is down records it and exits 3") {
  World w;
  w.site.Stop();  // the proxy is up, the onion service behind it is gone
  ProcessResult r = w.Run({"crawl", "--config", "leakmon.toml"}, 3);
  CHECK(r.out.find("demo-paste: 1 pages, 1 errors, 0 new findings (site down: socks_connection_refused: ") == 0);
}

TEST_CASE("A second crawl while one holds the lock exits 0 and does nothing") {
  World w;
  // Hold the lock the way a running crawl does.
  std::string lock_path = w.dir.File("leakmon.db.lock");
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT, 0600);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX) == 0);
  ProcessResult r = w.Run({"crawl", "--config", "leakmon.toml"}, 0);
  CHECK(r.out == "another run is in progress; exiting\n");
  CHECK(w.site.requested().empty());
  ::close(fd);
  w.Run({"crawl", "--config", "leakmon.toml"}, 0);
  CHECK_FALSE(w.site.requested().empty());
}
