// leakmon crawl: the cron job. Loads and checks everything first (config,
// key, identifiers, lock, database, Tor), then crawls every site that is
// not backing off through Tor (crawler/crawler.h), scans each fetched item
// in memory, and stores pages and findings. Alerts for the run's new
// findings are delivered once the crawl is done. Prints one summary line
// per site; live progress on stderr when it is a terminal.
//
// Exit codes: 0 all sites fine (or another run holds the lock), 1 runtime
// failure (Tor unreachable or not bootstrapped, database unwritable, run
// interrupted by SIGTERM/SIGINT), 2 bad config/key/ids/arguments, 3
// finished but at least one site was down.
#include "app/commands.h"

#include <csignal>
#include <cstdio>
#include <map>
#include <random>
#include <unistd.h>

#include "app/alert_delivery.h"
#include "app/console.h"
#include "app/exit_codes.h"
#include "app/page_findings.h"
#include "app/progress.h"
#include "app/run_lock.h"
#include "app/secrets.h"
#include "app/stop_signals.h"
#include "app/store_sink.h"
#include "app/tor_session.h"
#include "common/clock.h"
#include "config/load.h"
#include "config/validate.h"
#include "crawler/backoff.h"
#include "crawler/crawler.h"
#include "crawler/curl_fetcher.h"
#include "matcher/scanner.h"
#include "report/alert_channel.h"
#include "storage/store.h"

namespace leakmon {
namespace {

// 128 random bits, hex: this run's SOCKS password, so every run gets fresh circuits.
std::string RandomNonce() {
  std::random_device rd;
  char buf[33];
  std::snprintf(buf, sizeof buf, "%08x%08x%08x%08x", rd(), rd(), rd(), rd());
  return buf;
}

CurlFetcherOptions FetcherOptions(const CrawlOptions& c, const std::string& proxy) {
  CurlFetcherOptions fo;
  fo.proxy = proxy;
  fo.user_agent = c.user_agent;
  fo.connect_timeout_seconds = c.connect_timeout_seconds;
  fo.request_timeout_seconds = c.request_timeout_seconds;
  fo.low_speed_bytes_per_second = c.low_speed_bytes_per_second;
  fo.low_speed_seconds = c.low_speed_seconds;
  fo.max_body_bytes = c.max_body_bytes;
  fo.max_buffered_bytes = c.max_buffered_bytes;
  fo.max_transfers = c.concurrency;
  return fo;
}

CrawlerOptions CrawlerOptionsFrom(const CrawlOptions& c) {
  CrawlerOptions co;
  co.concurrency = static_cast<std::size_t>(c.concurrency);
  co.retry.max_attempts = static_cast<int>(c.max_attempts);
  co.retry.base_ms = c.retry_base_ms;
  co.retry.max_ms = c.retry_max_ms;
  co.max_redirects = static_cast<int>(c.max_redirects);
  co.content.max_decoded_bytes = static_cast<std::size_t>(c.max_body_bytes);
  co.content.html.max_input_bytes = static_cast<std::size_t>(c.max_body_bytes);
  co.content.html.max_text_bytes = static_cast<std::size_t>(c.max_text_bytes);
  co.content.html.max_links = static_cast<std::size_t>(c.max_links_per_page);
  co.content.html.max_depth = static_cast<std::size_t>(c.max_html_depth);
  co.content.html.max_gumbo_bytes = static_cast<std::size_t>(c.max_html_bytes);
  co.stop_grace_ms = c.stop_grace_seconds * 1000;
  return co;
}

// The notes after a site's summary line: why it matters.
std::string SiteNotes(const SiteRunStats& s, bool down, const SiteHealthRecord* health, std::int64_t broken_runs) {
  std::string notes;
  if (down) notes += " (site down: " + s.last_error + ")";
  if (health && !health->broken_listings.empty()) {
    notes += " (adapter broken? " + health->broken_listings.front() + " yielded no items in the last " +
             std::to_string(broken_runs) + " runs)";
  }
  if (s.interrupted) notes += " (stopped early: " + std::to_string(s.pending) + " items left for the next run)";
  else if (s.budget_exhausted) notes += " (max_pages reached: " + std::to_string(s.pending) + " items left for the next run)";
  return notes;
}

}  // namespace

int RunCrawl(const CrawlArgs& args) {
  const Clock& clock = SystemClock();
  const std::int64_t started_ms = SteadyClock().NowMs();
  std::optional<std::int64_t> max_runtime;
  if (!args.max_runtime.empty()) {
    max_runtime = ParseDuration(args.max_runtime);
    if (!max_runtime) return ReportError(Status::InvalidArgument("--max-runtime: expected e.g. 1800, 90s, 25m or 2h"));
  }
  Result<Config> config = LoadConfigFile(args.config);
  if (!config.ok()) return ReportError(config.status());
  if (Status s = ValidateConfig(*config); !s.ok()) return ReportError(s);
  const CrawlOptions& co = config->crawl;
  Result<std::vector<std::unique_ptr<AlertChannel>>> channels = MakeAlertChannels(*config);
  if (!channels.ok()) return ReportError(channels.status());

  Result<LoadedIdentifiers> loaded = LoadIdentifiers(config->identifiers.key_file, config->identifiers.file);
  if (!loaded.ok()) return ReportError(loaded.status());

  Result<std::unique_ptr<RunLock>> lock = RunLock::Acquire(config->storage.database + ".lock");
  if (!lock.ok()) {
    if (lock.status().code() == Status::Code::kAlreadyExists) {
      std::printf("another run is in progress; exiting\n");
      return kExitOk;
    }
    return ReportError(lock.status());
  }

  Result<Store> store = Store::Open(config->storage.database);
  if (!store.ok()) return ReportError(Status::IoError(store.status().message()));
  InstallStopHandlers();

  // Alerts left from earlier runs go out first, even if Tor is down now.
  AlertDispatcher alerts(store->db(), *channels, clock);
  DeliveryTotals delivered;
  if (Status s = alerts.RegisterChannels(); !s.ok()) return ReportError(Status::IoError(s.message()));
  if (Status s = DeliverAlerts(alerts, false, &delivered); !s.ok()) return ReportError(Status::IoError(s.message()));

  // Fail closed: no fetch unless Tor answers (and, where it can be asked,
  // has bootstrapped).
  Result<TorSession> tor = PrepareTor(config->tor);
  if (!tor.ok()) {
    const std::string& m = tor.status().message();
    std::size_t eol = std::min(m.find('\n'), m.size());
    std::fprintf(stderr, "leakmon: error: %s; nothing was fetched%s\n", m.substr(0, eol).c_str(), m.substr(eol).c_str());
    return kExitFailure;
  }
  Result<std::unique_ptr<CurlFetcher>> fetcher = CurlFetcher::Create(FetcherOptions(co, tor->proxy));
  if (!fetcher.ok()) return ReportError(Status::Internal(fetcher.status().message()));

  // Sites backing off after failed runs are skipped (--ignore-backoff crawls them).
  Result<std::vector<SiteHealthRecord>> health = store->SiteHealthReport(co.item_retry_runs, co.adapter_broken_runs);
  if (!health.ok()) return ReportError(Status::IoError(health.status().message()));
  std::map<std::string, SiteHealthRecord> health_by_name;
  for (SiteHealthRecord& h : *health) health_by_name[h.name] = std::move(h);

  Result<std::int64_t> run_id = store->BeginRun(clock.NowUnix());
  if (!run_id.ok()) return ReportError(Status::IoError(run_id.status().message()));
  const std::string run_nonce = RandomNonce();
  std::vector<CrawlSite> sites;
  std::vector<std::int64_t> site_ids;
  std::vector<const SiteOptions*> crawled, skipped;
  for (const SiteOptions& site : config->sites) {
    Result<std::int64_t> site_id = store->UpsertSite(site.name, clock.NowUnix());
    if (!site_id.ok()) return ReportError(Status::IoError(site_id.status().message()));
    auto h = health_by_name.find(site.name);
    if (!args.ignore_backoff && h != health_by_name.end() && h->second.next_attempt_at &&
        clock.NowUnix() < *h->second.next_attempt_at) {
      SiteRunTotals st;
      st.skipped = true;
      if (Status s = store->RecordSiteRun(*run_id, *site_id, st, clock.NowUnix()); !s.ok()) {
        return ReportError(Status::IoError(s.message()));
      }
      skipped.push_back(&site);
      continue;
    }
    CrawlSite cs;
    cs.options = site;
    if (config->tor.isolate_sites) cs.credentials = SiteCredentials(site.name, run_nonce);
    sites.push_back(std::move(cs));
    site_ids.push_back(*site_id);
    crawled.push_back(&site);
  }

  Result<std::unique_ptr<Scanner>> scanner = Scanner::Create(
      *loaded->hasher, loaded->ids, ScanOptionsFrom(config->matcher, static_cast<std::size_t>(co.max_text_bytes)));
  if (!scanner.ok()) return ReportError(scanner.status().WithContext(args.config + ": matcher.default_region"));
  const SeverityOptions severity = SeverityOptionsFrom(config->matcher);
  Progress progress(static_cast<int>(sites.size()), ::isatty(STDERR_FILENO) == 1 && !Verbose());
  // The crawl's findings: each item's text through the matcher, assessed.
  StoreSink::Scan scan = [&](std::string_view text, PageRecord* rec) {
    return PageFindings((*scanner)->Scan(text), loaded->ids, severity, rec);
  };
  StoreSink sink(*store, *run_id, site_ids, co.item_retry_runs, clock, scan, &progress);
  CrawlerOptions crawler_options = CrawlerOptionsFrom(co);
  crawler_options.stop_requested = [&] {
    return StopSignal() != 0 || (max_runtime && SteadyClock().NowMs() - started_ms >= *max_runtime * 1000);
  };
  Result<std::unique_ptr<Crawler>> crawler = Crawler::Create(std::move(sites), std::move(crawler_options));
  if (!crawler.ok()) return ReportError(crawler.status());
  Result<CrawlOutcome> outcome = (*crawler)->Run(**fetcher, sink, SteadyClock(), clock);
  progress.Clear();
  if (!outcome.ok()) return ReportError(Status::IoError(outcome.status().message()));

  // Record each site's run, then report on it with its fresh health.
  RunTotals totals;
  bool some_site_down = false;
  std::vector<bool> down(crawled.size());
  for (std::size_t i = 0; i < crawled.size(); ++i) {
    const SiteRunStats& s = sink.stats(i);
    SiteRunTotals st;
    st.pages = s.pages;
    st.errors = s.errors;
    st.new_findings = sink.new_findings(i);
    st.item_links = s.item_links;
    st.retries = s.retries;
    st.up = s.up();
    st.interrupted = s.interrupted;
    st.last_error = s.last_error;
    down[i] = !s.up() && s.listings_failed > 0;
    st.skipped = !s.up() && !down[i];  // stopped before any listing finished: no verdict
    if (down[i]) {
      auto h = health_by_name.find(crawled[i]->name);
      std::int64_t failures = (h == health_by_name.end() ? 0 : h->second.consecutive_failures) + 1;
      std::int64_t skip = SiteSkipSeconds(failures, co.site_backoff_minutes, co.site_backoff_max_hours);
      if (skip > 0) st.next_attempt_at = clock.NowUnix() + skip;
    }
    if (Status r = store->RecordSiteRun(*run_id, site_ids[i], st, clock.NowUnix()); !r.ok()) {
      return ReportError(Status::IoError(r.message()));
    }
    some_site_down |= down[i];
    totals.pages += s.pages;
    totals.bytes += s.bytes;
    totals.errors += s.errors;
    totals.new_findings += sink.new_findings(i);
  }
  // Every finding is committed: the run's alerts go out now (sent after the
  // crawl, so that no delivery holds up fetches in flight).
  if (Status s = DeliverAlerts(alerts, true, &delivered); !s.ok()) return ReportError(Status::IoError(s.message()));
  Result<std::vector<SiteHealthRecord>> after = store->SiteHealthReport(co.item_retry_runs, co.adapter_broken_runs);
  if (!after.ok()) return ReportError(Status::IoError(after.status().message()));
  std::map<std::string, const SiteHealthRecord*> after_by_name;
  for (const SiteHealthRecord& h : *after) after_by_name[h.name] = &h;

  for (std::size_t i = 0; i < crawled.size(); ++i) {
    const SiteRunStats& s = sink.stats(i);
    const SiteHealthRecord* h = after_by_name.count(crawled[i]->name) ? after_by_name[crawled[i]->name] : nullptr;
    std::string notes = SiteNotes(s, down[i], h, co.adapter_broken_runs);
    if (args.quiet && notes.empty() && sink.new_findings(i) == 0) continue;
    std::printf("%s: %lld pages, %lld errors, %lld new findings%s\n", crawled[i]->name.c_str(),
                static_cast<long long>(s.pages), static_cast<long long>(s.errors),
                static_cast<long long>(sink.new_findings(i)), notes.c_str());
  }
  for (const SiteOptions* site : skipped) {
    const SiteHealthRecord& h = health_by_name[site->name];
    if (args.quiet) continue;
    std::printf("%s: skipped until %s (down in %lld runs in a row: %s)\n", site->name.c_str(),
                FormatRfc3339(*h.next_attempt_at).c_str(), static_cast<long long>(h.consecutive_failures),
                h.last_error.c_str());
  }

  if (delivered.alerts > 0) {
    std::printf("alerts: %lld sent in %lld messages\n", static_cast<long long>(delivered.alerts),
                static_cast<long long>(delivered.messages));
  }
  int exit_code = some_site_down ? kExitSitesFailed : kExitOk;
  if (StopSignal() != 0) {
    std::fprintf(stderr, "leakmon: interrupted by %s: %lld pages recorded; the next run resumes where this one stopped\n",
                 StopSignal() == SIGINT ? "SIGINT" : "SIGTERM", static_cast<long long>(totals.pages));
    exit_code = kExitFailure;
  } else if (outcome->stopped) {
    std::fprintf(stderr, "leakmon: --max-runtime %s reached: %lld pages recorded; the next run resumes\n",
                 args.max_runtime.c_str(), static_cast<long long>(totals.pages));
  }
  if (Status s = store->FinishRun(*run_id, totals, exit_code, clock.NowUnix()); !s.ok()) {
    return ReportError(Status::IoError(s.message()));
  }
  return exit_code;
}

}  // namespace leakmon
