// Crawler against a fake Fetcher on a fake clock: what it fetches, in what
// order and how many at once; retries, redirects, scope, raw endpoints,
// rechecks, the backlog, budgets and stopping. Time is simulated: each
// fetch takes `latency` ms of fake time, and Wait() advances the clock.
#include "crawler/crawler.h"

#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "common/sha256.h"

using namespace leakmon;

namespace {

const std::string kA = "http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion";
const std::string kB = "http://bbcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion";
const std::string kC = "http://cbcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion";

class FakeTicker : public MonotonicClock {
 public:
  std::int64_t now = 1000000;
  std::int64_t NowMs() const override { return now; }
};

class FakeWall : public Clock {
 public:
  std::int64_t now = 1800000000;
  std::int64_t NowUnix() const override { return now; }
};

struct Started {
  std::string url;
  std::string username;
  std::string etag;
  std::int64_t at_ms;
};

class FakeFetcher : public Fetcher {
 public:
  explicit FakeFetcher(FakeTicker& ticker) : ticker_(ticker) {}

  std::int64_t latency_ms = 100;
  std::vector<Started> started;
  std::size_t max_in_flight = 0;
  std::map<std::string, std::size_t> max_in_flight_by_host;

  // Successive fetches of `url` get successive responses; the last repeats.
  void Serve(const std::string& url, std::vector<FetchResponse> responses) { script_[url] = std::move(responses); }
  void Html(const std::string& url, const std::string& body) { Serve(url, {Ok(url, body, "text/html")}); }
  void Text(const std::string& url, const std::string& body) { Serve(url, {Ok(url, body, "text/plain")}); }

  static FetchResponse Ok(const std::string& url, const std::string& body, const std::string& type) {
    FetchResponse r;
    r.url = url;
    r.http_status = 200;
    r.content_type = type;
    r.body = body;
    return r;
  }
  static FetchResponse Error(const std::string& kind, long status = 0) {
    FetchResponse r;
    r.error_kind = kind;
    r.http_status = status;
    r.error = kind == "http" ? "HTTP " + std::to_string(status) : "simulated " + kind;
    return r;
  }
  static FetchResponse Redirect(const std::string& to, long status = 302) {
    FetchResponse r;
    r.http_status = status;
    r.location = to;
    return r;
  }

  void Start(std::uint64_t tag, const FetchRequest& request) override {
    started.push_back({request.url, request.socks_username, request.etag, ticker_.now});
    FetchResponse r;
    auto it = script_.find(request.url);
    if (it == script_.end()) {
      r = Error("http", 404);
    } else {
      std::size_t& n = calls_[request.url];
      r = it->second[std::min(n, it->second.size() - 1)];
      ++n;
    }
    r.url = request.url;
    pending_.push_back({ticker_.now + latency_ms, tag, Host(request.url), std::move(r)});
    max_in_flight = std::max(max_in_flight, pending_.size());
    std::map<std::string, std::size_t> per_host;
    for (const Pending& p : pending_) ++per_host[p.host];
    for (const auto& [host, n] : per_host) max_in_flight_by_host[host] = std::max(max_in_flight_by_host[host], n);
  }

  std::vector<FetchDone> Wait(int timeout_ms) override {
    std::int64_t soonest = ticker_.now + timeout_ms;
    for (const Pending& p : pending_) soonest = std::min(soonest, p.done_at);
    ticker_.now = std::max(ticker_.now, soonest);
    std::vector<FetchDone> done;
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->done_at <= ticker_.now) {
        done.push_back({it->tag, std::move(it->response)});
        it = pending_.erase(it);
      } else {
        ++it;
      }
    }
    return done;
  }

  void CancelAll() override {
    cancelled += pending_.size();
    pending_.clear();
  }
  std::size_t active() const override { return pending_.size(); }
  std::size_t cancelled = 0;

  std::vector<std::string> urls() const {
    std::vector<std::string> out;
    for (const Started& s : started) out.push_back(s.url);
    return out;
  }

 private:
  struct Pending {
    std::int64_t done_at;
    std::uint64_t tag;
    std::string host;
    FetchResponse response;
  };
  static std::string Host(const std::string& url) { return url.substr(0, url.find('/', 8)); }

  FakeTicker& ticker_;
  std::map<std::string, std::vector<FetchResponse>> script_;
  std::map<std::string, std::size_t> calls_;
  std::vector<Pending> pending_;
};

struct PageSeen {
  std::size_t site;
  std::string url;
  PageRole role;
  std::string text;
  std::string error_kind;
  bool unchanged;
  int attempts;
  std::vector<std::string> new_items;
};

class RecordingSink : public CrawlSink {
 public:
  std::map<std::string, ItemHistory> history;
  std::map<std::size_t, SiteBacklog> backlog;
  std::vector<PageSeen> pages;
  std::map<std::size_t, SiteRunStats> done;
  std::function<Status(const CrawledPage&)> on_page;

  Result<SiteBacklog> Backlog(std::size_t site) override { return backlog[site]; }
  Result<ItemHistory> History(std::size_t, const std::string& url) override { return history[url]; }
  Status OnPage(std::size_t site, const CrawledPage& p) override {
    pages.push_back({site, p.url, p.role, std::string(p.text), p.error_kind, p.unchanged, p.attempts, p.new_items});
    return on_page ? on_page(p) : Status::Ok();
  }
  Status OnSiteDone(std::size_t site, const SiteRunStats& stats) override {
    CHECK(done.count(site) == 0);  // once per site
    done[site] = stats;
    return Status::Ok();
  }
  const PageSeen* Page(const std::string& url) const {
    for (const PageSeen& p : pages) {
      if (p.url == url) return &p;
    }
    return nullptr;
  }
};

CrawlSite Site(const std::string& host, const std::string& name = "t") {
  CrawlSite s;
  s.options.name = name;
  s.options.start = {host + "/latest"};
  s.options.follow = "/latest\\?page=[0-9]+$";
  s.options.items = "/paste/[a-z0-9]+$";
  s.options.concurrency = 4;
  return s;
}

struct Harness {
  FakeTicker ticker;
  FakeWall wall;
  FakeFetcher fetcher{ticker};
  RecordingSink sink;
  CrawlerOptions options;
  Harness() {
    options.seed = 42;
    options.concurrency = 16;
  }
  Result<CrawlOutcome> Run(std::vector<CrawlSite> sites) {
    auto crawler = Crawler::Create(std::move(sites), options);
    REQUIRE(crawler.ok());
    return (*crawler)->Run(fetcher, sink, ticker, wall);
  }
};

std::string Links(const std::string& prefix, int n) {
  std::string html;
  for (int i = 0; i < n; ++i) html += "<a href=" + prefix + std::to_string(i) + ">x</a>";
  return html;
}

}  // namespace

TEST_CASE("Listings first, then items, only in-scope links matching the patterns") {
  Harness h;
  h.options.concurrency = 1;
  h.fetcher.Html(kA + "/latest",
                 "<a href=/paste/a>a</a><a href=/paste/b>b</a><a href='/latest?page=2'>2</a><a href=/about>x</a>"
                 "<a href='" + kB + "/paste/c'>other onion</a><a href='https://example.com/paste/d'>clearnet</a>"
                 "<a href='file:///paste/e'>file</a><a href=/paste/a#again>a</a>");
  h.fetcher.Html(kA + "/latest?page=2", "<a href=/paste/d>d</a><a href=/latest>back</a>");
  h.fetcher.Html(kA + "/paste/a", "<p>text of a</p>");
  h.fetcher.Text(kA + "/paste/b", "text of b");
  auto out = h.Run({Site(kA)});
  REQUIRE(out.ok());
  CHECK(h.fetcher.urls() == std::vector<std::string>{kA + "/latest", kA + "/latest?page=2", kA + "/paste/a",
                                                     kA + "/paste/b", kA + "/paste/d"});
  const SiteRunStats& s = h.sink.done.at(0);
  CHECK(s.pages == 5);
  CHECK(s.errors == 1);  // /paste/d: 404
  CHECK(s.item_links == 3);
  CHECK(s.listings_ok == 2);
  CHECK(s.up());
  CHECK(h.sink.Page(kA + "/paste/a")->text.find("text of a") != std::string::npos);
  CHECK(h.sink.Page(kA + "/paste/d")->error_kind == "http");
  CHECK(h.sink.Page(kA + "/latest")->new_items == std::vector<std::string>{kA + "/paste/a", kA + "/paste/b"});
}

TEST_CASE("Items fetched in earlier runs are skipped, given-up items too, listings are always fetched") {
  Harness h;
  h.fetcher.Html(kA + "/latest", "<a href=/paste/a>a</a><a href=/paste/b>b</a><a href=/paste/c>c</a>");
  h.fetcher.Text(kA + "/paste/b", "b");
  h.sink.history[kA + "/paste/a"].fetched = true;
  h.sink.history[kA + "/paste/c"].given_up = true;
  REQUIRE(h.Run({Site(kA)}).ok());
  CHECK(h.fetcher.urls() == std::vector<std::string>{kA + "/latest", kA + "/paste/b"});
  CHECK(h.sink.done.at(0).item_links == 3);
  CHECK(h.sink.Page(kA + "/latest")->new_items == std::vector<std::string>{kA + "/paste/b"});
}

TEST_CASE("The backlog of an interrupted run is resumed: its listings and items") {
  Harness h;
  h.fetcher.Html(kA + "/latest", "<a href=/paste/new>n</a>");
  h.fetcher.Html(kA + "/latest?page=7", "<a href=/paste/deep>d</a>");
  for (const char* p : {"/paste/new", "/paste/old", "/paste/deep"}) h.fetcher.Text(kA + p, p);
  h.sink.backlog[0].listings = {kA + "/latest?page=7"};
  h.sink.backlog[0].items = {kA + "/paste/old"};
  REQUIRE(h.Run({Site(kA)}).ok());
  std::vector<std::string> urls = h.fetcher.urls();
  std::multiset<std::string> got(urls.begin(), urls.end());
  CHECK(got == std::multiset<std::string>{kA + "/latest", kA + "/latest?page=7", kA + "/paste/new",
                                          kA + "/paste/old", kA + "/paste/deep"});
}

TEST_CASE("max_pages bounds one run, what is left is counted as pending") {
  Harness h;
  h.fetcher.Html(kA + "/latest", Links("/paste/p", 50));
  CrawlSite s = Site(kA);
  s.options.max_pages = 10;
  REQUIRE(h.Run({s}).ok());
  CHECK(h.fetcher.started.size() == 10);
  CHECK(h.sink.done.at(0).item_links == 50);
  CHECK(h.sink.done.at(0).pending == 41);
  CHECK(h.sink.done.at(0).budget_exhausted);
}

TEST_CASE("A site whose listing cannot be reached is down, and its backlog is not tried") {
  Harness h;
  h.fetcher.Serve(kA + "/latest", {FakeFetcher::Error("onion_not_found")});
  h.sink.backlog[0].items = {kA + "/paste/x", kA + "/paste/y"};
  REQUIRE(h.Run({Site(kA)}).ok());
  CHECK(h.fetcher.urls() == std::vector<std::string>{kA + "/latest"});  // not retried: not transient
  const SiteRunStats& s = h.sink.done.at(0);
  CHECK_FALSE(s.up());
  CHECK(s.listings_failed == 1);
  CHECK(s.pending == 2);
  CHECK(s.last_error == "onion_not_found: simulated onion_not_found");
}

TEST_CASE("A listing that answers with an HTTP error still lets the backlog be fetched") {
  Harness h;  // /latest is a 404: the site is reachable
  h.sink.backlog[0].items = {kA + "/paste/x"};
  h.fetcher.Text(kA + "/paste/x", "x");
  REQUIRE(h.Run({Site(kA)}).ok());
  CHECK(h.fetcher.urls() == std::vector<std::string>{kA + "/latest", kA + "/paste/x"});
}

TEST_CASE("Global and per-site concurrency limits hold, and every site gets its share") {
  Harness h;
  h.options.concurrency = 5;
  std::vector<CrawlSite> sites;
  for (const std::string& host : {kA, kB, kC}) {
    h.fetcher.Html(host + "/latest", Links("/paste/p", 20));
    for (int i = 0; i < 20; ++i) h.fetcher.Text(host + "/paste/p" + std::to_string(i), "x");
    CrawlSite s = Site(host, host.substr(7, 1));
    s.options.concurrency = 2;
    sites.push_back(s);
  }
  REQUIRE(h.Run(sites).ok());
  CHECK(h.fetcher.started.size() == 63);
  CHECK(h.fetcher.max_in_flight == 5);
  for (const std::string& host : {kA, kB, kC}) CHECK(h.fetcher.max_in_flight_by_host[host] == 2);
  // 63 fetches of 100 ms, 5 at a time (2+2+1 across sites) take about 63/5 rounds.
  CHECK(h.ticker.now - 1000000 <= 100 * (63 / 5 + 3));
}

TEST_CASE("The politeness delay spaces the starts of one site's requests") {
  Harness h;
  h.fetcher.Html(kA + "/latest", Links("/paste/p", 5));
  for (int i = 0; i < 5; ++i) h.fetcher.Text(kA + "/paste/p" + std::to_string(i), "x");
  CrawlSite s = Site(kA);
  s.options.delay_ms = 1000;
  REQUIRE(h.Run({s}).ok());
  REQUIRE(h.fetcher.started.size() == 6);
  for (std::size_t i = 1; i < h.fetcher.started.size(); ++i) {
    CHECK(h.fetcher.started[i].at_ms - h.fetcher.started[i - 1].at_ms >= 1000);
  }
}

TEST_CASE("Transient errors are retried with growing, jittered delays, others are not") {
  Harness h;
  h.options.retry = RetryPolicy{3, 2000, 60000};
  h.fetcher.Html(kA + "/latest", "<a href=/paste/flaky>f</a><a href=/paste/gone>g</a><a href=/paste/down>d</a>");
  h.fetcher.Serve(kA + "/paste/flaky", {FakeFetcher::Error("onion_rendezvous_failed"), FakeFetcher::Error("http", 503),
                                        FakeFetcher::Ok(kA + "/paste/flaky", "finally", "text/plain")});
  h.fetcher.Serve(kA + "/paste/gone", {FakeFetcher::Error("http", 404)});
  h.fetcher.Serve(kA + "/paste/down", {FakeFetcher::Error("timeout")});
  REQUIRE(h.Run({Site(kA)}).ok());
  std::vector<std::int64_t> flaky_starts;
  for (const Started& s : h.fetcher.started) {
    if (s.url == kA + "/paste/flaky") flaky_starts.push_back(s.at_ms);
  }
  REQUIRE(flaky_starts.size() == 3);
  std::int64_t first_wait = flaky_starts[1] - flaky_starts[0] - 100;  // minus the fetch itself
  std::int64_t second_wait = flaky_starts[2] - flaky_starts[1] - 100;
  CHECK((first_wait >= 1000 && first_wait < 2200));
  CHECK((second_wait >= 2000 && second_wait < 4200));
  CHECK(h.sink.Page(kA + "/paste/flaky")->attempts == 3);
  CHECK(h.sink.Page(kA + "/paste/flaky")->error_kind.empty());
  CHECK(h.sink.Page(kA + "/paste/gone")->attempts == 1);
  CHECK(h.sink.Page(kA + "/paste/down")->attempts == 3);
  CHECK(h.sink.Page(kA + "/paste/down")->error_kind == "timeout");
  CHECK(h.sink.done.at(0).retries == 4);
  CHECK(h.sink.pages.size() == 4);  // one report per page, whatever the attempts
}

TEST_CASE("Redirects are followed on the site only, at most max_redirects hops") {
  Harness h;
  h.options.max_redirects = 2;
  h.fetcher.Html(kA + "/latest",
                 "<a href=/paste/moved>m</a><a href=/paste/loop>l</a><a href=/paste/away>a</a><a href=/paste/file>f</a>");
  h.fetcher.Serve(kA + "/paste/moved", {FakeFetcher::Redirect(kA + "/paste/moved2", 301)});
  h.fetcher.Text(kA + "/paste/moved2", "here now");
  h.fetcher.Serve(kA + "/paste/loop", {FakeFetcher::Redirect(kA + "/paste/loop2")});
  h.fetcher.Serve(kA + "/paste/loop2", {FakeFetcher::Redirect(kA + "/paste/loop")});
  h.fetcher.Serve(kA + "/paste/away", {FakeFetcher::Redirect("https://clearnet.example.com/")});
  h.fetcher.Serve(kA + "/paste/file", {FakeFetcher::Redirect("file:///etc/passwd")});
  REQUIRE(h.Run({Site(kA)}).ok());
  CHECK(h.sink.Page(kA + "/paste/moved")->text == "here now");
  CHECK(h.sink.Page(kA + "/paste/loop")->error_kind == "redirect");
  CHECK(h.sink.Page(kA + "/paste/away")->error_kind == "out_of_scope");
  CHECK(h.sink.Page(kA + "/paste/file")->error_kind == "out_of_scope");
  for (const std::string& url : h.fetcher.urls()) CHECK(url.rfind(kA, 0) == 0);  // nothing left the site
  CHECK(h.fetcher.urls().size() == 1 + 2 + 3 + 1 + 1);
}

TEST_CASE("Extra hosts are in scope") {
  Harness h;
  CrawlSite s = Site(kA);
  s.options.extra_hosts = {kB.substr(7)};
  h.fetcher.Html(kA + "/latest", "<a href=" + kB + "/paste/m>mirror</a><a href=" + kC + "/paste/n>other</a>");
  h.fetcher.Text(kB + "/paste/m", "on the mirror");
  REQUIRE(h.Run({s}).ok());
  CHECK(h.fetcher.urls() == std::vector<std::string>{kA + "/latest", kB + "/paste/m"});
}

TEST_CASE("Raw endpoints: the plain-text variant is fetched, the item URL recorded") {
  Harness h;
  CrawlSite s = Site(kA);
  s.options.raw_match = "/paste/([a-z0-9]+)$";
  s.options.raw_replace = "/raw/\\1";
  h.fetcher.Html(kA + "/latest", "<a href=/paste/abc>a</a>");
  h.fetcher.Text(kA + "/raw/abc", "raw text");
  REQUIRE(h.Run({s}).ok());
  CHECK(h.fetcher.urls() == std::vector<std::string>{kA + "/latest", kA + "/raw/abc"});
  CHECK(h.sink.Page(kA + "/paste/abc")->text == "raw text");
}

TEST_CASE("recheck_hours refetches old items with validators, unchanged content is not passed on") {
  Harness h;
  CrawlSite s = Site(kA);
  s.options.recheck_hours = 24;
  h.fetcher.Html(kA + "/latest", "<a href=/paste/etag>e</a><a href=/paste/same>s</a><a href=/paste/fresh>f</a>"
                                 "<a href=/paste/changed>c</a>");
  FetchResponse not_modified;
  not_modified.http_status = 304;
  h.fetcher.Serve(kA + "/paste/etag", {not_modified});
  h.fetcher.Text(kA + "/paste/same", "same body");
  h.fetcher.Text(kA + "/paste/changed", "new body");
  auto old = [&](const std::string& etag, const std::string& sha) {
    ItemHistory ih;
    ih.fetched = true;
    ih.last_ok_at = h.wall.now - 25 * 3600;
    ih.etag = etag;
    ih.content_sha256 = sha;
    return ih;
  };
  h.sink.history[kA + "/paste/etag"] = old("\"v1\"", "x");
  h.sink.history[kA + "/paste/same"] = old("", HexEncode(Sha256("same body")));
  h.sink.history[kA + "/paste/changed"] = old("", "0000");
  ItemHistory fresh = old("", "y");
  fresh.last_ok_at = h.wall.now - 3600;  // fetched an hour ago: not due
  h.sink.history[kA + "/paste/fresh"] = fresh;
  REQUIRE(h.Run({s}).ok());
  std::vector<std::string> urls = h.fetcher.urls();
  std::set<std::string> got(urls.begin(), urls.end());
  CHECK(got == std::set<std::string>{kA + "/latest", kA + "/paste/etag", kA + "/paste/same", kA + "/paste/changed"});
  for (const Started& st : h.fetcher.started) {
    if (st.url == kA + "/paste/etag") CHECK(st.etag == "\"v1\"");
  }
  CHECK(h.sink.Page(kA + "/paste/etag")->unchanged);
  CHECK(h.sink.Page(kA + "/paste/same")->unchanged);  // same SHA-256
  CHECK(h.sink.Page(kA + "/paste/same")->text.empty());
  CHECK(h.sink.Page(kA + "/paste/changed")->text == "new body");
  CHECK_FALSE(h.sink.Page(kA + "/paste/changed")->unchanged);
  CHECK(h.sink.Page(kA + "/latest")->new_items.empty());  // rechecks are not new
}

TEST_CASE("Each site's requests carry that site's credentials") {
  Harness h;
  CrawlSite a = Site(kA, "a");
  a.credentials = {"leakmon/a", "n"};
  CrawlSite b = Site(kB, "b");
  b.credentials = {"leakmon/b", "n"};
  h.fetcher.Html(kA + "/latest", "<a href=/paste/x>x</a>");
  h.fetcher.Html(kB + "/latest", "<a href=/paste/y>y</a>");
  REQUIRE(h.Run({a, b}).ok());
  for (const Started& s : h.fetcher.started) CHECK(s.username == (s.url.rfind(kA, 0) == 0 ? "leakmon/a" : "leakmon/b"));
}

TEST_CASE("A stop request starts nothing new, lets fetches in flight finish, and reports what is left") {
  Harness h;
  h.options.concurrency = 2;
  h.fetcher.Html(kA + "/latest", Links("/paste/p", 10));
  for (int i = 0; i < 10; ++i) h.fetcher.Text(kA + "/paste/p" + std::to_string(i), "x");
  h.options.stop_requested = [&] { return h.sink.pages.size() >= 3; };
  auto out = h.Run({Site(kA)});
  REQUIRE(out.ok());
  CHECK(out->stopped);
  CHECK(h.fetcher.cancelled == 0);
  CHECK(h.sink.pages.size() == h.fetcher.started.size());  // everything started was reported
  const SiteRunStats& s = h.sink.done.at(0);
  CHECK(s.interrupted);
  CHECK(s.pending == 10 - static_cast<std::int64_t>(h.sink.pages.size() - 1));
}

TEST_CASE("Fetches still in flight when the grace period ends are cancelled and left for the next run") {
  Harness h;
  h.fetcher.latency_ms = 60000;  // slow pages
  h.options.stop_grace_ms = 5000;
  h.fetcher.Html(kA + "/latest", Links("/paste/p", 4));
  h.options.stop_requested = [&] { return h.fetcher.started.size() >= 5; };  // the 4 items are in flight
  auto out = h.Run({Site(kA)});
  REQUIRE(out.ok());
  CHECK(h.fetcher.cancelled == 4);
  CHECK(h.sink.pages.size() == 1);
  CHECK(h.sink.done.at(0).interrupted);
  CHECK(h.sink.done.at(0).pending == 4);
}

TEST_CASE("A sink error stops the crawl and is returned") {
  Harness h;
  h.fetcher.Html(kA + "/latest", "<a href=/paste/a>a</a>");
  h.sink.on_page = [](const CrawledPage&) { return Status::IoError("disk full"); };
  auto out = h.Run({Site(kA)});
  REQUIRE_FALSE(out.ok());
  CHECK(out.status().message() == "disk full");
  CHECK(h.fetcher.started.size() == 1);
}

TEST_CASE("Retry delays double up to the cap, with a jitter factor from 0.5 to 1") {
  RetryPolicy p{5, 1000, 5000};
  struct Case {
    int retry;
    double unit;
    std::int64_t ms;
  };
  auto c = GENERATE(values<Case>({{1, 0.0, 500}, {1, 0.999, 999}, {2, 0.0, 1000}, {3, 0.5, 3000},
                                  {4, 0.0, 2500}, {9, 0.0, 2500}}));
  CHECK(RetryDelayMs(c.retry, p, c.unit) == c.ms);
}

TEST_CASE("Sites down in consecutive runs are skipped for a growing interval") {
  struct Case {
    std::int64_t failures;
    std::int64_t seconds;
  };
  auto c = GENERATE(values<Case>({{0, 0}, {1, 0}, {2, 3600}, {3, 7200}, {4, 14400}, {7, 86400}, {50, 86400}}));
  CHECK(SiteSkipSeconds(c.failures, 60, 24) == c.seconds);
}
