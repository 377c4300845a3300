// Crawler: one run over the configured sites, all at once.
//
// Per site, the start URLs (listings) are fetched every run, then further
// listings (links matching `follow`) and items (links matching `items`, the
// site's backlog first). From each listing's links, resolved and kept only
// when in scope (site_scope.h):
//   - an item never fetched is queued and reported to the sink as new, so it
//     is kept in the frontier until fetched;
//   - an item fetched in an earlier run is skipped, unless the site has
//     `recheck_hours` and the last fetch is older: then it is fetched again
//     with If-None-Match / If-Modified-Since, and a 304 or the same SHA-256
//     is reported `unchanged` (not scanned again);
//   - an item that failed in too many runs (the sink says `given_up`) is
//     skipped.
// Items of a site start once one of its listings succeeded (or, when all
// listings failed with an HTTP error, once they are done): a site that
// cannot be reached costs one listing timeout, not one per item.
//
// Scheduling: at most `concurrency` fetches at once, at most the site's
// `concurrency` per site, starts to one site spaced by its `delay_ms`,
// sites served round-robin, listings before items. At most `max_pages`
// pages per site and run.
//
// Failures: a transient error (fetch_error.h; HTTP 429/5xx) is retried
// with exponential backoff and jitter (backoff.h) up to max_attempts; the
// final outcome is reported once. Redirects are followed here, hop by hop:
// at most max_redirects, each hop in scope (else "out_of_scope").
//
// Stopping: when `stop_requested` returns true (signal, max runtime), no
// fetch is started any more; fetches in flight get `stop_grace_ms` to
// finish, then are cancelled (their pages stay in the frontier). Every
// site still gets OnSiteDone, marked interrupted when work was left.
//
// Run() returns the first sink error, which ends the run at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "config/options.h"
#include "crawler/backoff.h"
#include "crawler/content.h"
#include "crawler/crawl_sink.h"
#include "crawler/fetcher.h"

namespace leakmon {

struct CrawlSite {
  SiteOptions options;
  SocksCredentials credentials;  // empty: no isolation
};

struct CrawlerOptions {
  std::size_t concurrency = 16;   // fetches in flight, all sites together
  RetryPolicy retry;              // within the run
  int max_redirects = 5;          // hops per page
  ContentLimits content;          // decoding and extraction bounds
  std::int64_t stop_grace_ms = 15000;  // for fetches in flight after a stop
  std::function<bool()> stop_requested;  // polled; may be empty
  std::uint64_t seed = 0;         // jitter; 0: random
};

struct CrawlOutcome {
  bool stopped = false;  // stop_requested ended the run early
};

class Crawler {
 public:
  // Fails when a site's patterns do not compile (config validation prevents it).
  static Result<std::unique_ptr<Crawler>> Create(std::vector<CrawlSite> sites, CrawlerOptions options);
  ~Crawler();

  // `ticker` times delays and deadlines; `wall` dates recheck decisions.
  Result<CrawlOutcome> Run(Fetcher& fetcher, CrawlSink& sink, const MonotonicClock& ticker, const Clock& wall);

 private:
  struct Impl;
  explicit Crawler(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace leakmon
