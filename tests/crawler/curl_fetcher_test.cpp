// CurlFetcher against a real HTTP server behind the SOCKS5 test proxy: the
// request must go through the proxy by name, with leakmon's User-Agent, and
// environment proxy variables must not change that.
#include "crawler/curl_fetcher.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <curl/curl.h>
#include <httplib.h>
#include <malloc.h>
#include <map>

#include "tests/fixtures/compress.h"
#include "tests/fixtures/paste_site.h"
#include "tests/fixtures/socks5_proxy.h"

using namespace leakmon;
using leakmon::testing::Deflate;
using leakmon::testing::PasteSite;
using leakmon::testing::Socks5Proxy;

namespace {
const std::string kOnion = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion";

FetchRequest Req(const std::string& url, const std::string& user = "", const std::string& password = "") {
  FetchRequest r;
  r.url = url;
  r.socks_username = user;
  r.socks_password = password;
  return r;
}

struct Env {
  PasteSite site;
  Socks5Proxy proxy;
  Env() {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    site.Set("/paste/a", {200, "text/plain; charset=utf-8", "hello"});
    site.Set("/big", {200, "text/plain", std::string(100000, 'x')});
    site.Handle("/redirect-file", [](const httplib::Request&, httplib::Response& res) {
      res.status = 302;
      res.set_header("Location", "file:///etc/passwd");
    });
    REQUIRE(site.Start() > 0);
    proxy.MapAllOnion(site.port());
    REQUIRE(proxy.Start() > 0);
  }
  std::unique_ptr<CurlFetcher> Fetcher(std::int64_t max_body = 8 << 20) {
    CurlFetcherOptions o;
    o.proxy = proxy.url();
    o.user_agent = "leakmon-test-UA";
    o.max_body_bytes = max_body;
    o.connect_timeout_seconds = 10;
    o.request_timeout_seconds = 20;
    auto f = CurlFetcher::Create(o);
    REQUIRE(f.ok());
    return std::move(*f);
  }
};
}  // namespace

TEST_CASE("Fetches go through the SOCKS proxy by name, with the configured User-Agent") {
  Env env;
  auto f = env.Fetcher();
  FetchResponse r = FetchOne(*f, Req("http://" + kOnion + "/paste/a"));
  CHECK(r.ok());
  CHECK(r.http_status == 200);
  CHECK(r.body == "hello");
  CHECK(r.content_type == "text/plain; charset=utf-8");
  auto reqs = env.proxy.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].host == kOnion);
  CHECK(reqs[0].port == 80);
  CHECK(env.site.user_agents() == std::vector<std::string>{"leakmon-test-UA"});
}

TEST_CASE("Environment proxy variables cannot redirect or exempt crawl traffic") {
  Env env;
  ::setenv("http_proxy", "http://127.0.0.1:1", 1);
  ::setenv("ALL_PROXY", "socks5://127.0.0.1:1", 1);
  ::setenv("no_proxy", "*", 1);
  ::setenv("NO_PROXY", "*", 1);
  auto f = env.Fetcher();
  FetchResponse r = FetchOne(*f, Req("http://" + kOnion + "/paste/a"));
  ::unsetenv("http_proxy");
  ::unsetenv("ALL_PROXY");
  ::unsetenv("no_proxy");
  ::unsetenv("NO_PROXY");
  CHECK(r.ok());
  CHECK(r.body == "hello");
  CHECK(env.proxy.requests().size() == 1);
}

TEST_CASE("HTTP errors and the body cap are recorded errors, redirects come back unfollowed") {
  Env env;
  auto f = env.Fetcher(1024);
  FetchResponse missing = FetchOne(*f, Req("http://" + kOnion + "/nope"));
  CHECK(missing.error_kind == "http");
  CHECK(missing.http_status == 404);
  CHECK(missing.body.empty());

  FetchResponse big = FetchOne(*f, Req("http://" + kOnion + "/big"));
  CHECK(big.error_kind == "too_large");
  CHECK(big.body.empty());

  // Redirects are not followed by the fetcher: the crawler checks each hop.
  FetchResponse redirect = FetchOne(*f, Req("http://" + kOnion + "/redirect-file"));
  CHECK(redirect.ok());
  CHECK(redirect.http_status == 302);
  CHECK(redirect.location == "file:///etc/passwd");
  CHECK(redirect.body.empty());
  CHECK(env.site.requested().size() == 3);  // nothing fetched from the redirect target
}

TEST_CASE("A name the proxy cannot reach is a proxy error, not a crash") {
  Env env;
  auto f = env.Fetcher();
  FetchResponse r = FetchOne(*f, Req("http://clearnet.example.com/"));
  CHECK(r.error_kind == "socks_host_unreachable");
  // The proxy was asked by name: nothing was resolved locally.
  auto reqs = env.proxy.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].host == "clearnet.example.com");
}

TEST_CASE("A dead proxy fails every fetch with proxy_unreachable") {
  Env env;
  auto f = env.Fetcher();
  env.proxy.Stop();
  FetchResponse r = FetchOne(*f, Req("http://" + kOnion + "/paste/a"));
  CHECK(r.error_kind == "proxy_unreachable");
  CHECK(env.site.requested().empty());
}

TEST_CASE("There is no direct mode") {
  CurlFetcherOptions o;
  o.proxy = "";
  CHECK_FALSE(CurlFetcher::Create(o).ok());
  o.proxy = "socks5://127.0.0.1:9050";  // would resolve names locally
  CHECK_FALSE(CurlFetcher::Create(o).ok());
}

TEST_CASE("Tor's extended SOCKS errors become distinct error kinds") {
  Env env;
  struct Case {
    unsigned char code;
    std::string kind;
  };
  auto c = GENERATE(values<Case>({{0xF0, "onion_not_found"},
                                   {0xF2, "onion_intro_failed"},
                                   {0xF3, "onion_rendezvous_failed"},
                                   {0xF7, "onion_intro_timeout"},
                                   {0x06, "socks_ttl_expired"},
                                   {0x01, "socks_general_failure"},
                                   {0x05, "socks_connection_refused"}}));
  const std::string host = "downdowndowndowndowndowndowndowndowndowndowndowndowndown.onion";
  env.proxy.FailHost(host, c.code);
  auto f = env.Fetcher();
  FetchResponse r = FetchOne(*f, Req("http://" + host + "/latest"));
  CHECK(r.error_kind == c.kind);
  CHECK(env.site.requested().empty());
}

TEST_CASE("Each request carries the SOCKS credentials it was given") {
  Env env;
  auto f = env.Fetcher();
  FetchRequest a = Req("http://" + kOnion + "/paste/a", "leakmon/site-a", "nonce");
  FetchRequest b = Req("http://" + kOnion + "/paste/a", "leakmon/site-b", "nonce");
  FetchRequest none = Req("http://" + kOnion + "/paste/a");
  CHECK(FetchOne(*f, a).ok());
  CHECK(FetchOne(*f, b).ok());
  CHECK(FetchOne(*f, none).ok());
  auto reqs = env.proxy.requests();
  REQUIRE(reqs.size() == 3);  // different credentials never share a connection
  CHECK(reqs[0].username == "leakmon/site-a");
  CHECK(reqs[1].username == "leakmon/site-b");
  CHECK(reqs[2].username.empty());
}

namespace {

// Bytes the process has allocated now (heap in use and mmapped blocks).
std::size_t AllocatedBytes() {
  struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

// Runs `requests` at once on `f`; returns their responses by tag, and the
// most bytes allocated (above `baseline`) seen between waits.
std::map<std::uint64_t, FetchResponse> FetchAll(CurlFetcher& f, const std::vector<FetchRequest>& requests,
                                                std::size_t baseline, std::size_t* peak) {
  for (std::size_t i = 0; i < requests.size(); ++i) f.Start(i, requests[i]);
  std::map<std::uint64_t, FetchResponse> out;
  *peak = 0;
  while (f.active() > 0) {
    for (FetchDone& d : f.Wait(200)) out[d.tag] = std::move(d.response);
    const std::size_t now = AllocatedBytes();
    *peak = std::max(*peak, now > baseline ? now - baseline : 0);
  }
  return out;
}

}  // namespace

TEST_CASE("Compressed bodies are decoded by leakmon to what was sent and unknown or corrupt codings are content errors") {
  Env env;
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i) + "\n";
  // Mixed-case types: cpp-httplib does not compress them again.
  env.site.Set("/gz", {200, "Text/Plain", Deflate(text), {{"Content-Encoding", "gzip"}}});
  env.site.Set("/unknown", {200, "Text/Plain", "whatever", {{"Content-Encoding", "compress"}}});
  env.site.Set("/corrupt", {200, "Text/Plain", "\x1f\x8b\x08\xff not gzip at all", {{"Content-Encoding", "gzip"}}});
  auto f = env.Fetcher();
  FetchResponse gz = FetchOne(*f, Req("http://" + kOnion + "/gz"));
  CHECK(gz.ok());
  CHECK(gz.body == text);
  CHECK(gz.wire_bytes < static_cast<std::int64_t>(text.size()) / 3);
  FetchResponse unknown = FetchOne(*f, Req("http://" + kOnion + "/unknown"));
  CHECK(unknown.error_kind == "content");
  CHECK(unknown.error.find("compress") != std::string::npos);
  FetchResponse corrupt = FetchOne(*f, Req("http://" + kOnion + "/corrupt"));
  CHECK(corrupt.error_kind == "content");
}

TEST_CASE("Transfers waiting for memory hold no inflated data and all finish within the budget") {
  Env env;
  const std::string bomb = Deflate(std::string(32u << 20, '\0'));  // ~32 KB that inflate to 32 MB
  std::string text;
  for (int i = 0; i < 40000; ++i) text += "paste line " + std::to_string(i) + "\n";  // ~700 KB
  const std::string gz = Deflate(text);
  env.site.Set("/bomb", {200, "application/x-bomb", bomb, {{"Content-Encoding", "gzip"}}});
  env.site.Set("/text", {200, "Text/Plain", gz, {{"Content-Encoding", "gzip"}}});
  CurlFetcherOptions o;
  o.proxy = env.proxy.url();
  o.max_body_bytes = 1 << 20;
  o.max_buffered_bytes = 256 << 10;  // shares of 16 KB, one large slot
  o.max_transfers = 8;
  auto f = CurlFetcher::Create(o);
  REQUIRE(f.ok());

  SECTION("bombs each stop at the cap and those waiting hold one network read, not its inflation") {
    std::vector<FetchRequest> requests(8, Req("http://" + kOnion + "/bomb"));
    std::size_t peak = 0;
    auto out = FetchAll(**f, requests, AllocatedBytes(), &peak);
    REQUIRE(out.size() == 8);
    for (const auto& [tag, r] : out) {
      INFO(r.error);
      CHECK(r.error_kind == "too_large");
    }
    // libcurl's own decoding kept ~16 MB per waiting transfer here.
    CHECK(peak < (16u << 20));
    CHECK((*f)->peak_buffered_bytes() <= (256 << 10) + (1 << 20) + 16384);
  }
  SECTION("compressed pages larger than a share all complete and are decoded whole") {
    std::vector<FetchRequest> requests(8, Req("http://" + kOnion + "/text"));
    std::size_t peak = 0;
    auto out = FetchAll(**f, requests, AllocatedBytes(), &peak);
    REQUIRE(out.size() == 8);
    for (const auto& [tag, r] : out) {
      CHECK(r.ok());
      CHECK(r.body == text);
    }
    CHECK((*f)->peak_buffered_bytes() <= (256 << 10) + (1 << 20) + 16384);
  }
}
