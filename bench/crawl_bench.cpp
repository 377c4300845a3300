// leakmon-crawl-bench: the crawler's speed and memory through a SOCKS proxy
// that stands in for Tor with a fixed latency per request.
//
//   leakmon-crawl-bench [--sites 10] [--items 5000] [--page-bytes 4096]
//                       [--latency-ms 200] [--concurrency 32] [--site-concurrency 8]
//                       [--per-listing 50] [--gzip 1] [--raw 0] [--max-body-bytes 8388608]
//                       [--max-buffered-bytes 33554432]
//
// A child process serves the sites (tests/fixtures: the paste site behind
// the SOCKS5 test proxy, which delays every HTTP request by --latency-ms,
// kept-alive connections included), so that its CPU is not counted. Each
// site has --items/--sites item pages of about --page-bytes of HTML
// (gzip-compressed on the wire with --gzip; with --raw 1 also a text/plain
// variant that the site's `raw` rule fetches instead), listed --per-listing
// to a listing page, the listing pages chained by "next" links.
//
// This process runs the real crawler (crawler/crawler.h), the real
// CurlFetcher and the real StoreSink into a fresh SQLite database, without
// matching, and reports: wall time against the ideal (items x latency /
// concurrency), CPU per page (user + system of this process during the
// crawl, divided by pages), peak RSS (getrusage, the whole process), and
// the most body bytes the fetcher held at once. Results: docs/benchmarks.md.
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <signal.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/store_sink.h"
#include "common/clock.h"
#include "common/memory.h"
#include "crawler/content.h"
#include "crawler/crawler.h"
#include "crawler/curl_fetcher.h"
#include "storage/store.h"
#include "tests/fixtures/compress.h"
#include "tests/fixtures/paste_site.h"
#include "tests/fixtures/socks5_proxy.h"
#include <curl/curl.h>

using namespace leakmon;

namespace {

struct Args {
  int sites = 10;
  int items = 5000;
  int page_bytes = 4096;
  int latency_ms = 200;
  int concurrency = 32;
  int site_concurrency = 8;
  int per_listing = 50;
  bool gzip = true;
  bool raw = false;
  std::int64_t max_body_bytes = 8 * 1024 * 1024;
  std::int64_t max_buffered_bytes = 32 * 1024 * 1024;
};

// A v3-onion-shaped name for site k (56 base32 characters).
std::string Onion(int k) {
  std::string name = "leakmonbench" + std::string(1, static_cast<char>('a' + k % 26));
  while (name.size() < 56) name.push_back("abcdefghijklmnopqrstuvwxyz234567"[(name.size() * 7 + k) % 32]);
  return name + ".onion";
}

std::string Filler(std::size_t bytes, int seed) {
  static const char* const kWords[] = {"order",  "invoice", "shipment", "account", "backup", "server", "config",
                                       "export", "archive", "ticket",   "review",  "draft",  "notes",  "table"};
  std::string text;
  text.reserve(bytes + 16);
  for (int i = 0; text.size() < bytes; ++i) {
    text += kWords[(seed * 7 + i * 13) % 14];
    text += (i % 12 == 11) ? ".\n" : " ";
  }
  return text;
}

// The served page: mixed-case types so cpp-httplib does not compress it
// again (it only compresses lowercase text/*), gzip when asked.
leakmon::testing::CannedResponse Served(const Args& a, const std::string& type, const std::string& body) {
  leakmon::testing::CannedResponse r;
  r.content_type = type;
  if (a.gzip) {
    r.body = leakmon::testing::Deflate(body);
    r.headers = {{"Content-Encoding", "gzip"}};
  } else {
    r.body = body;
  }
  return r;
}

// Serves the sites until `control` is closed by the parent.
[[noreturn]] void ServeSites(const Args& a, int port_fd, int control_fd) {
  leakmon::testing::PasteSite site;
  site.SetThreads(static_cast<std::size_t>(a.concurrency * 2 + 16));
  const int per_site = a.items / a.sites;
  for (int k = 0; k < a.sites; ++k) {
    const std::string base = "/s" + std::to_string(k);
    const int pages = (per_site + a.per_listing - 1) / a.per_listing;
    for (int p = 1; p <= pages; ++p) {
      std::string html = "<!DOCTYPE html><html><head><title>Latest pastes</title></head><body><h1>Latest</h1><ul>";
      for (int i = (p - 1) * a.per_listing; i < std::min(per_site, p * a.per_listing); ++i) {
        html += "<li><a href=\"" + base + "/paste/" + std::to_string(i) + "\">paste " + std::to_string(i) +
                "</a> <span>2 hours ago</span></li>";
      }
      html += "</ul>";
      if (p < pages) html += "<a href=\"" + base + "/latest?page=" + std::to_string(p + 1) + "\">next</a>";
      html += "</body></html>";
      site.Set(base + "/latest" + (p == 1 ? "" : "?page=" + std::to_string(p)),
               Served(a, "Text/HTML; charset=utf-8", html));
    }
    for (int i = 0; i < per_site; ++i) {
      std::string text = Filler(static_cast<std::size_t>(a.page_bytes) - 200, k * per_site + i);
      site.Set(base + "/paste/" + std::to_string(i),
               Served(a, "Text/HTML; charset=utf-8",
                      "<!DOCTYPE html><html><head><title>paste " + std::to_string(i) +
                          "</title></head><body><div class=nav><a href=/>home</a></div><pre>" + text +
                          "</pre></body></html>"));
      if (a.raw) site.Set(base + "/raw/" + std::to_string(i), Served(a, "Text/Plain; charset=utf-8", text));
    }
  }
  if (site.Start() < 0) std::_Exit(1);
  leakmon::testing::Socks5Proxy proxy;
  proxy.MapAllOnion(site.port());
  proxy.SetRequestLatency(std::chrono::milliseconds(a.latency_ms));
  int port = proxy.Start();
  if (port < 0) std::_Exit(1);
  if (::write(port_fd, &port, sizeof port) != sizeof port) std::_Exit(1);
  char c;
  while (::read(control_fd, &c, 1) > 0) {
  }
  proxy.Stop();
  site.Stop();
  std::_Exit(0);
}

struct Cpu {
  double user = 0, system = 0;
  long voluntary = 0, involuntary = 0;  // context switches
};

Cpu CpuNow() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return {static_cast<double>(u.ru_utime.tv_sec) + static_cast<double>(u.ru_utime.tv_usec) / 1e6,
          static_cast<double>(u.ru_stime.tv_sec) + static_cast<double>(u.ru_stime.tv_usec) / 1e6,
          u.ru_nvcsw, u.ru_nivcsw};
}

long PeakRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

double ThreadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// Passes everything to StoreSink and estimates the CPU time spent there
// (recording pages and the frontier in SQLite) from every kSampleEvery-th
// call: reading the thread's CPU clock is a system call, and timing every
// call added four of them to each item page's CPU.
class TimedSink : public CrawlSink {
  static constexpr int kSampleEvery = 8;

  template <typename F>
  auto Timed(F f) -> decltype(f()) {
    if (calls_++ % kSampleEvery != 0) return f();
    double t0 = ThreadCpuSeconds();
    auto r = f();
    seconds_ += (ThreadCpuSeconds() - t0) * kSampleEvery;
    return r;
  }

 public:
  explicit TimedSink(StoreSink& inner) : inner_(inner) {}
  Result<SiteBacklog> Backlog(std::size_t site) override { return Timed([&] { return inner_.Backlog(site); }); }
  Result<ItemHistory> History(std::size_t site, const std::string& url) override {
    return Timed([&] { return inner_.History(site, url); });
  }
  Status OnPage(std::size_t site, const CrawledPage& page) override {
    if (!page.error_kind.empty() && errors_[page.error_kind]++ == 0) examples_[page.error_kind] = page.error;
    return Timed([&] { return inner_.OnPage(site, page); });
  }
  Status OnSiteDone(std::size_t site, const SiteRunStats& stats) override { return inner_.OnSiteDone(site, stats); }
  double seconds() const { return seconds_; }
  // "kind n, kind n" of the pages' errors.
  std::string errors() const {
    std::string out;
    for (const auto& [kind, n] : errors_) {
      out += (out.empty() ? "" : ", ") + kind + " " + std::to_string(n) + " (e.g. \"" + examples_.at(kind) + "\")";
    }
    return out;
  }

 private:
  StoreSink& inner_;
  double seconds_ = 0;
  std::uint64_t calls_ = 0;
  std::map<std::string, int> errors_;
  std::map<std::string, std::string> examples_;
};

// CPU per call of the content step alone (charset, HTML to text and links)
// on one of the benchmark's item pages.
double ExtractSecondsPerPage(const Args& a, const ContentLimits& limits) {
  std::string page = "<!DOCTYPE html><html><head><title>paste 1</title></head><body><div class=nav><a href=/>home</a>"
                     "</div><pre>" + Filler(static_cast<std::size_t>(a.page_bytes) - 200, 1) + "</pre></body></html>";
  const int n = std::max(20, 20000000 / a.page_bytes);
  double t0 = ThreadCpuSeconds();
  std::size_t sink = 0;
  for (int i = 0; i < n; ++i) sink += ExtractContent(page, a.raw ? "text/plain" : "text/html", limits)->text.size();
  double t = (ThreadCpuSeconds() - t0) / n;
  return sink > 0 ? t : 0;
}

bool ParseArgs(int argc, char** argv, Args* a) {
  std::map<std::string, std::int64_t> v;
  for (int i = 1; i + 1 < argc; i += 2) v[argv[i]] = std::atoll(argv[i + 1]);
  if (argc % 2 == 0) return false;
  for (const auto& [k, n] : v) {
    if (k == "--sites") a->sites = static_cast<int>(n);
    else if (k == "--items") a->items = static_cast<int>(n);
    else if (k == "--page-bytes") a->page_bytes = static_cast<int>(n);
    else if (k == "--latency-ms") a->latency_ms = static_cast<int>(n);
    else if (k == "--concurrency") a->concurrency = static_cast<int>(n);
    else if (k == "--site-concurrency") a->site_concurrency = static_cast<int>(n);
    else if (k == "--per-listing") a->per_listing = static_cast<int>(n);
    else if (k == "--gzip") a->gzip = n != 0;
    else if (k == "--raw") a->raw = n != 0;
    else if (k == "--max-body-bytes") a->max_body_bytes = n;
    else if (k == "--max-buffered-bytes") a->max_buffered_bytes = n;
    else return false;
  }
  return a->sites > 0 && a->items >= a->sites && a->page_bytes >= 256 && a->per_listing > 0 && a->concurrency > 0;
}

}  // namespace

int main(int argc, char** argv) {
  ReturnLargeBuffersToTheSystem();  // as leakmon's main() does
  Args a;
  if (!ParseArgs(argc, argv, &a)) {
    std::fprintf(stderr, "usage: leakmon-crawl-bench [--sites N] [--items N] [--page-bytes N] [--latency-ms N]\n"
                         "       [--concurrency N] [--site-concurrency N] [--per-listing N] [--gzip 0|1] [--raw 0|1]\n"
                         "       [--max-body-bytes N] [--max-buffered-bytes N]\n");
    return 2;
  }
  int port_pipe[2], control_pipe[2];
  if (::pipe(port_pipe) != 0 || ::pipe(control_pipe) != 0) return 1;
  pid_t child = ::fork();
  if (child == 0) {
    ::close(control_pipe[1]);
    ServeSites(a, port_pipe[1], control_pipe[0]);
  }
  ::close(control_pipe[0]);
  int port = 0;
  if (::read(port_pipe[0], &port, sizeof port) != sizeof port) {
    std::fprintf(stderr, "leakmon-crawl-bench: the fixture sites did not start\n");
    return 1;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);

  std::string dir = std::filesystem::temp_directory_path() / ("leakmon-crawl-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  int rc = 1;
  {
    Result<Store> store = Store::Open(dir + "/bench.db");
    if (!store.ok()) {
      std::fprintf(stderr, "%s\n", store.status().message().c_str());
      return 1;
    }
    std::vector<CrawlSite> sites;
    std::vector<std::int64_t> site_ids;
    for (int k = 0; k < a.sites; ++k) {
      CrawlSite s;
      const std::string base = "http://" + Onion(k) + "/s" + std::to_string(k);
      s.options.name = "s" + std::to_string(k);
      s.options.start = {base + "/latest"};
      s.options.follow = "/latest\\?page=[0-9]+$";
      s.options.items = "/paste/[0-9]+$";
      s.options.max_pages = 1000000;
      s.options.concurrency = a.site_concurrency;
      if (a.raw) {
        s.options.raw_match = "/paste/([0-9]+)$";
        s.options.raw_replace = "/raw/\\1";
      }
      s.credentials = SiteCredentials(s.options.name, "bench");
      sites.push_back(s);
      site_ids.push_back(*store->UpsertSite(s.options.name, 0));
    }
    CurlFetcherOptions fo;
    fo.proxy = "socks5h://127.0.0.1:" + std::to_string(port);
    fo.max_body_bytes = a.max_body_bytes;
    fo.max_buffered_bytes = a.max_buffered_bytes;
    fo.max_transfers = a.concurrency;
    auto fetcher = CurlFetcher::Create(fo);
    CrawlerOptions co;
    co.concurrency = static_cast<std::size_t>(a.concurrency);
    co.content.max_decoded_bytes = static_cast<std::size_t>(a.max_body_bytes);
    co.content.html.max_input_bytes = static_cast<std::size_t>(a.max_body_bytes);
    co.content.html.max_text_bytes = static_cast<std::size_t>(a.max_body_bytes);
    auto crawler = Crawler::Create(sites, co);
    Result<std::int64_t> run = store->BeginRun(0);
    if (!fetcher.ok() || !crawler.ok() || !run.ok()) return 1;
    StoreSink store_sink(*store, *run, site_ids, 3, SystemClock(), StoreSink::Scan(), nullptr);
    TimedSink sink(store_sink);

    const long rss_before = PeakRssKb();
    const Cpu cpu0 = CpuNow();
    const auto t0 = std::chrono::steady_clock::now();
    Result<CrawlOutcome> out = (*crawler)->Run(**fetcher, sink, SteadyClock(), SystemClock());
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const Cpu cpu1 = CpuNow();
    const long rss_crawl = PeakRssKb();  // before the content measurement below allocates its own
    const double user = cpu1.user - cpu0.user, system = cpu1.system - cpu0.system;
    const double cpu = user + system;
    if (!out.ok()) {
      std::fprintf(stderr, "%s\n", out.status().message().c_str());
      return 1;
    }
    std::int64_t pages = 0, errors = 0, bytes = 0;
    for (int k = 0; k < a.sites; ++k) {
      pages += store_sink.stats(static_cast<std::size_t>(k)).pages;
      errors += store_sink.stats(static_cast<std::size_t>(k)).errors;
      bytes += store_sink.stats(static_cast<std::size_t>(k)).bytes;
    }
    const int items = a.items / a.sites * a.sites;
    const double ideal = static_cast<double>(items) * a.latency_ms / 1000.0 / a.concurrency;
    std::printf("sites %d, items %d, page %d bytes%s%s, latency %d ms, concurrency %d (per site %d)\n", a.sites,
                items, a.page_bytes, a.gzip ? " gzip" : "", a.raw ? " raw" : "", a.latency_ms, a.concurrency,
                a.site_concurrency);
    std::printf("pages %lld (errors %lld%s%s), decoded %.1f MB\n", static_cast<long long>(pages),
                static_cast<long long>(errors), errors ? ": " : "", sink.errors().c_str(),
                static_cast<double>(bytes) / 1e6);
    std::printf("wall %.2f s, ideal %.2f s (items x latency / concurrency), ratio %.3f\n", wall, ideal, wall / ideal);
    const double per_page = 1000.0 / static_cast<double>(pages);
    std::printf("cpu %.2f s = %.3f ms per page without matching (user %.3f ms, system %.3f ms); "
                "context switches per page: %.1f voluntary, %.1f involuntary\n",
                cpu, cpu * per_page, user * per_page, system * per_page,
                static_cast<double>(cpu1.voluntary - cpu0.voluntary) / static_cast<double>(pages),
                static_cast<double>(cpu1.involuntary - cpu0.involuntary) / static_cast<double>(pages));
    std::printf("  of which: storing pages and frontier (SQLite) %.3f ms, content (charset, HTML to text) %.3f ms "
                "per page\n",
                sink.seconds() * per_page, ExtractSecondsPerPage(a, co.content) * 1000.0);
    std::printf("peak rss %.1f MB (%.1f MB before the crawl), fetcher held at most %.1f MB of bodies\n",
                static_cast<double>(rss_crawl) / 1024.0, static_cast<double>(rss_before) / 1024.0,
                static_cast<double>((*fetcher)->peak_buffered_bytes()) / (1024.0 * 1024.0));
    rc = errors == 0 ? 0 : 1;
  }
  ::close(control_pipe[1]);
  int status = 0;
  ::waitpid(child, &status, 0);
  std::filesystem::remove_all(dir);
  curl_global_cleanup();
  return rc;
}
