// Cron safety with the real binary: a crawl killed (SIGKILL) or stopped
// (SIGTERM, --max-runtime) mid-run resumes on the next run from its
// frontier, even for items no longer on the listing, and no item is fetched
// twice; a second crawl started while one runs exits 0 at once.
#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <future>
#include <httplib.h>
#include <map>
#include <thread>

#include "tests/fixtures/demo_content.h"
#include "tests/fixtures/paste_site.h"
#include "tests/fixtures/socks5_proxy.h"
#include "tests/support/leakmon_cli.h"
#include "tests/support/sqlite_query.h"

using namespace leakmon::testing;

namespace {

// A site whose listing shows items [first, last) and whose items each take
// `delay` to answer.
struct SlowSite {
  TempDir dir;
  PasteSite site;
  Socks5Proxy proxy;
  std::atomic<int> delay_ms{150};

  SlowSite() {
    site.Handle("/paste/.*", [this](const httplib::Request& req, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms.load()));
      res.set_content("<p>" + req.path + " mentions nobody</p>", "text/html");
    });
    ShowItems(0, 30);
    REQUIRE(site.Start() > 0);
    proxy.MapAllOnion(site.port());
    REQUIRE(proxy.Start() > 0);
    REQUIRE(MakeKeyAndIdentifiers(dir, "kind,value,ref\nemail,someone@example.fi,P-1\n"));
    REQUIRE(Leakmon({"hash-ids", "--key", "leakmon.key", "--in", "people.csv", "--out", "identifiers.lmids"},
                    dir.path()).exit_code == 0);
    dir.Write("leakmon.toml", "[tor]\nproxy = \"" + proxy.url() + "\"\n[identifiers]\nfile = \"identifiers.lmids\"\n"
                              "key_file = \"leakmon.key\"\n[crawl]\nconcurrency = 2\nstop_grace_seconds = 10\n"
                              "[[site]]\nname = \"slow\"\nstart = [\"http://" + std::string(kDemoOnion) +
                              "/latest\"]\nitems = '/paste/[0-9]+$'\nconcurrency = 2\n");
  }

  void ShowItems(int first, int last) {
    std::string html = "<ul>";
    for (int i = first; i < last; ++i) html += "<li><a href=/paste/" + std::to_string(i) + ">" + std::to_string(i) + "</a>";
    site.Set("/latest", {200, "text/html", html + "</ul>"});
  }

  // How often each item was requested from the site.
  std::map<std::string, int> ItemRequests() const {
    std::map<std::string, int> n;
    for (const std::string& t : site.requested()) {
      if (t.rfind("/paste/", 0) == 0) ++n[t];
    }
    return n;
  }

  int ItemsRequested() const {
    int n = 0;
    for (const auto& [path, count] : ItemRequests()) n += count;
    return n;
  }

  // Runs a crawl in the background; `signal` it once `after_items` items were requested.
  ProcessResult CrawlAndSignal(int signal, int after_items, const std::vector<std::string>& extra = {}) {
    std::atomic<int> pid{0};
    ProcessOptions o;
    o.on_start = [&](int p) { pid = p; };
    std::vector<std::string> args = {"crawl", "--config", "leakmon.toml"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto run = std::async(std::launch::async, [&] { return Leakmon(args, dir.path(), o); });
    while (ItemsRequested() < after_items) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ::kill(pid.load(), signal);
    return run.get();
  }

  ProcessResult Crawl(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"crawl", "--config", "leakmon.toml"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Leakmon(args, dir.path());
  }

  // url -> (fetch_count, error_kind) of recorded items.
  std::map<std::string, std::pair<int, std::string>> RecordedItems() {
    std::map<std::string, std::pair<int, std::string>> out;
    for (const auto& row : Query(dir.File("leakmon.db"),
                                 "SELECT url, fetch_count, coalesce(error_kind, '') FROM pages WHERE role = 'item'")) {
      out[row[0].substr(row[0].find("/paste/"))] = {std::stoi(row[1]), row[2]};
    }
    return out;
  }
};

}  // namespace

TEST_CASE("A killed crawl resumes from its frontier, items off the listing are still fetched, none twice") {
  SlowSite w;
  ProcessResult killed = w.CrawlAndSignal(SIGKILL, 12);
  CHECK(killed.signal == SIGKILL);
  // The listing moves on: the oldest items scrolled off, new ones came.
  w.ShowItems(25, 35);
  ProcessResult second = w.Crawl();
  INFO(second.err);
  REQUIRE(second.exit_code == 0);

  auto recorded = w.RecordedItems();
  CHECK(recorded.size() == 35);  // all 30 first seen + 5 new, though 0..24 are no longer listed
  for (const auto& [path, rec] : recorded) {
    INFO(path);
    CHECK(rec.first == 1);  // recorded once
    CHECK(rec.second.empty());
  }
  // Only the fetches in flight at the kill can have reached the site twice.
  int twice = 0;
  for (const auto& [path, n] : w.ItemRequests()) {
    CHECK(n <= 2);
    twice += n == 2;
  }
  CHECK(twice <= 2);  // concurrency 2
  // A third run fetches no item again.
  int before = w.ItemsRequested();
  REQUIRE(w.Crawl().exit_code == 0);
  CHECK(w.ItemsRequested() == before);
}

TEST_CASE("SIGTERM stops gracefully: fetches in flight finish and are committed, exit 1, the next run resumes") {
  SlowSite w;
  ProcessResult stopped = w.CrawlAndSignal(SIGTERM, 8);
  CHECK(stopped.exit_code == 1);
  CHECK(stopped.err.find("interrupted by SIGTERM") != std::string::npos);
  CHECK(stopped.out.find("slow: ") == 0);
  CHECK(stopped.out.find("items left for the next run") != std::string::npos);
  auto after_stop = w.RecordedItems();
  CHECK(after_stop.size() < 30);
  REQUIRE(w.Crawl().exit_code == 0);
  CHECK(w.RecordedItems().size() == 30);
  for (const auto& [path, n] : w.ItemRequests()) {
    INFO(path);
    CHECK(n == 1);  // exactly once: nothing was cut off mid-fetch
  }
}

TEST_CASE("A maximum runtime (--max-runtime) ends the run cleanly with what is done, the next run does the rest") {
  SlowSite w;
  ProcessResult first = w.Crawl({"--max-runtime", "1"});
  INFO(first.err);
  CHECK(first.exit_code == 0);
  CHECK(first.err.find("--max-runtime 1 reached") != std::string::npos);
  CHECK(first.out.find("stopped early") != std::string::npos);
  std::size_t done_first = w.RecordedItems().size();
  CHECK(done_first > 0);
  CHECK(done_first < 30);
  REQUIRE(w.Crawl().exit_code == 0);
  CHECK(w.RecordedItems().size() == 30);
  for (const auto& [path, n] : w.ItemRequests()) CHECK(n == 1);
}

TEST_CASE("A crawl started while another runs exits 0 at once and fetches nothing") {
  SlowSite w;
  std::atomic<int> pid{0};
  ProcessOptions o;
  o.on_start = [&](int p) { pid = p; };
  auto first = std::async(std::launch::async, [&] { return Leakmon({"crawl", "--config", "leakmon.toml"}, w.dir.path(), o); });
  while (w.ItemsRequested() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto start = std::chrono::steady_clock::now();
  ProcessResult second = w.Crawl();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK(second.exit_code == 0);
  CHECK(second.out == "another run is in progress; exiting\n");
  ProcessResult done = first.get();
  CHECK(done.exit_code == 0);
  for (const auto& [path, n] : w.ItemRequests()) CHECK(n == 1);
}
