// SiteWalker against a fake Fetcher: which pages it fetches, in what order,
// what it hands to the sink, and that fetch errors do not stop it.
#include "crawler/site_walker.h"

#include <catch2/catch.hpp>
#include <map>
#include <set>

using namespace leakmon;

namespace {

const std::string kHost = "http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion";

class FakeFetcher : public Fetcher {
 public:
  std::map<std::string, FetchResponse> pages;
  std::vector<std::string> fetched;
  FetchResponse Fetch(const FetchRequest& request) override {
    fetched.push_back(request.url);
    auto it = pages.find(request.url);
    if (it != pages.end()) return it->second;
    FetchResponse r;
    r.url = request.url;
    r.error_kind = "timeout";
    r.error = "Operation timed out";
    return r;
  }
  void Html(const std::string& path, const std::string& body) {
    FetchResponse r;
    r.url = kHost + path;
    r.http_status = 200;
    r.content_type = "text/html";
    r.body = body;
    pages[kHost + path] = r;
  }
};

class RecordingSink : public CrawlSink {
 public:
  std::set<std::string> seen_before;
  std::vector<std::tuple<std::string, PageRole, std::string, std::string>> pages;  // url, role, text, error_kind
  Result<bool> ItemSeen(const std::string& url) override { return seen_before.count(url) > 0; }
  Status OnPage(const CrawledPage& p) override {
    pages.emplace_back(p.url, p.role, std::string(p.text), p.error_kind);
    return Status::Ok();
  }
};

SiteOptions Site() {
  SiteOptions s;
  s.name = "t";
  s.start = {kHost + "/latest"};
  s.follow = "/latest\\?page=[0-9]+$";
  s.items = "/paste/[a-z0-9]+$";
  return s;
}

}  // namespace

TEST_CASE("Walks listings then items and follows only same-host links matching the patterns") {
  FakeFetcher f;
  f.Html("/latest",
         "<a href=/paste/a>a</a><a href=/paste/b>b</a><a href='/latest?page=2'>2</a><a href=/about>x</a>"
         "<a href='http://zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz.onion/paste/c'>c</a>"
         "<a href=/paste/a#again>a</a>");
  f.Html("/latest?page=2", "<a href=/paste/d>d</a><a href=/latest>back</a>");
  f.Html("/paste/a", "<p>text of a</p>");
  f.Html("/paste/b", "<p>text of b</p>");
  RecordingSink sink;
  auto walker = SiteWalker::Create(Site(), HtmlLimits{});
  REQUIRE(walker.ok());
  auto stats = (*walker)->Walk(f, sink);
  REQUIRE(stats.ok());
  CHECK(f.fetched == std::vector<std::string>{kHost + "/latest", kHost + "/latest?page=2", kHost + "/paste/a",
                                              kHost + "/paste/b", kHost + "/paste/d"});
  CHECK(stats->pages == 5);
  CHECK(stats->errors == 1);  // /paste/d times out
  CHECK(stats->item_links == 3);
  CHECK(stats->listings_ok == 2);
  REQUIRE(sink.pages.size() == 5);
  CHECK(std::get<1>(sink.pages[2]) == PageRole::kItem);
  CHECK(std::get<2>(sink.pages[2]).find("text of a") != std::string::npos);
  CHECK(std::get<3>(sink.pages[4]) == "timeout");
  CHECK(std::get<2>(sink.pages[4]).empty());
}

TEST_CASE("Items fetched in earlier runs are skipped, listings are always fetched") {
  FakeFetcher f;
  f.Html("/latest", "<a href=/paste/a>a</a><a href=/paste/b>b</a>");
  f.Html("/paste/b", "b");
  RecordingSink sink;
  sink.seen_before = {kHost + "/paste/a"};
  auto walker = SiteWalker::Create(Site(), HtmlLimits{});
  REQUIRE(walker.ok());
  REQUIRE((*walker)->Walk(f, sink).ok());
  CHECK(f.fetched == std::vector<std::string>{kHost + "/latest", kHost + "/paste/b"});
}

TEST_CASE("max_pages bounds the fetches of one run") {
  FakeFetcher f;
  std::string links;
  for (int i = 0; i < 50; ++i) links += "<a href=/paste/p" + std::to_string(i) + ">x</a>";
  f.Html("/latest", links);
  RecordingSink sink;
  SiteOptions s = Site();
  s.max_pages = 10;
  auto walker = SiteWalker::Create(s, HtmlLimits{});
  REQUIRE(walker.ok());
  auto stats = (*walker)->Walk(f, sink);
  REQUIRE(stats.ok());
  CHECK(f.fetched.size() == 10);
  CHECK(stats->item_links == 50);
}

TEST_CASE("A site whose listing fails is reported down with the error") {
  FakeFetcher f;  // nothing served: every fetch times out
  RecordingSink sink;
  auto walker = SiteWalker::Create(Site(), HtmlLimits{});
  REQUIRE(walker.ok());
  auto stats = (*walker)->Walk(f, sink);
  REQUIRE(stats.ok());
  CHECK(stats->listings_ok == 0);
  CHECK(stats->errors == 1);
  CHECK(stats->last_error == "timeout: Operation timed out");
}

TEST_CASE("A sink error stops the walk and is returned") {
  class FailingSink : public RecordingSink {
    Status OnPage(const CrawledPage&) override { return Status::IoError("disk full"); }
  };
  FakeFetcher f;
  f.Html("/latest", "<a href=/paste/a>a</a>");
  FailingSink sink;
  auto walker = SiteWalker::Create(Site(), HtmlLimits{});
  REQUIRE(walker.ok());
  auto stats = (*walker)->Walk(f, sink);
  REQUIRE_FALSE(stats.ok());
  CHECK(stats.status().message() == "disk full");
  CHECK(f.fetched.size() == 1);
}
