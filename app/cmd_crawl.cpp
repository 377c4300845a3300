// leakmon crawl: the cron job. Loads and checks everything first (config,
// key, identifiers, database, the Tor proxy), then walks each site through
// Tor, scans every fetched page in memory, and stores pages and findings.
// Prints one summary line per site.
//
// Exit codes: 0 all sites fine (or another run holds the lock), 1 runtime
// failure (Tor unreachable, database unwritable), 2 bad config/key/ids,
// 3 finished but at least one site failed.
#include "app/commands.h"

#include <cstdio>
#include <random>

#include "app/alert_delivery.h"
#include "app/console.h"
#include "app/exit_codes.h"
#include "app/page_findings.h"
#include "app/run_lock.h"
#include "app/secrets.h"
#include "app/tor_session.h"
#include "common/clock.h"
#include "config/load.h"
#include "config/validate.h"
#include "crawler/curl_fetcher.h"
#include "crawler/site_walker.h"
#include "matcher/scanner.h"
#include "report/alert_channel.h"
#include "storage/store.h"

namespace leakmon {
namespace {

// Connects the walker to the matcher and the store: scans each page's text
// and records the page with its findings in one transaction.
class ScanAndStoreSink : public CrawlSink {
 public:
  ScanAndStoreSink(const Scanner& scanner, const IdentifierSet& ids, const SeverityOptions& severity, Store& store,
                   std::int64_t run_id, std::int64_t site_id, const Clock& clock)
      : scanner_(scanner), ids_(ids), severity_(severity), store_(store), run_id_(run_id), site_id_(site_id),
        clock_(clock) {}

  Result<bool> ItemSeen(const std::string& url) override { return store_.ItemFetched(site_id_, url); }

  Status OnPage(const CrawledPage& page) override {
    PageRecord rec;
    rec.site_id = site_id_;
    rec.url = page.url;
    rec.role = page.role;
    rec.fetched_at = clock_.NowUnix();
    if (page.response->http_status != 0) rec.http_status = page.response->http_status;
    if (!page.content_sha256.empty()) rec.content_sha256 = page.content_sha256;
    rec.bytes = static_cast<std::int64_t>(page.response->body.size());
    rec.error_kind = page.error_kind;
    rec.error = page.error;

    // Items are scanned; listings only lead to items (their previews would
    // otherwise be reported again on every page they scroll through).
    std::vector<FindingRecord> findings;
    if (page.error_kind.empty() && page.role == PageRole::kItem) {
      findings = PageFindings(scanner_.Scan(page.text), ids_, severity_, &rec);
    }
    LEAKMON_ASSIGN_OR_RETURN(std::int64_t fresh, store_.RecordPage(run_id_, rec, findings));
    new_findings_ += fresh;
    PrintVerbose(std::string(PageRoleName(page.role)) + " " + page.url + " status=" +
                 std::to_string(page.response->http_status) +
                 (page.error_kind.empty() ? "" : " error=" + page.error_kind) + " findings=" +
                 std::to_string(findings.size()) + " new=" + std::to_string(fresh));
    return Status::Ok();
  }

  std::int64_t new_findings() const { return new_findings_; }

 private:
  const Scanner& scanner_;
  const IdentifierSet& ids_;
  const SeverityOptions& severity_;
  Store& store_;
  std::int64_t run_id_;
  std::int64_t site_id_;
  const Clock& clock_;
  std::int64_t new_findings_ = 0;
};

// 128 random bits, hex: this run's SOCKS password, so every run gets fresh circuits.
std::string RandomNonce() {
  std::random_device rd;
  char buf[33];
  std::snprintf(buf, sizeof buf, "%08x%08x%08x%08x", rd(), rd(), rd(), rd());
  return buf;
}

}  // namespace

int RunCrawl(const CrawlArgs& args) {
  const Clock& clock = SystemClock();
  Result<Config> config = LoadConfigFile(args.config);
  if (!config.ok()) return ReportError(config.status());
  if (Status s = ValidateConfig(*config); !s.ok()) return ReportError(s);
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
  const std::string run_nonce = RandomNonce();

  CurlFetcherOptions fo;
  fo.proxy = tor->proxy;
  fo.user_agent = config->crawl.user_agent;
  fo.connect_timeout_seconds = config->crawl.connect_timeout_seconds;
  fo.request_timeout_seconds = config->crawl.request_timeout_seconds;
  fo.max_body_bytes = config->crawl.max_body_bytes;
  Result<std::unique_ptr<CurlFetcher>> fetcher = CurlFetcher::Create(fo);
  if (!fetcher.ok()) return ReportError(Status::Internal(fetcher.status().message()));

  HtmlLimits limits;
  limits.max_input_bytes = static_cast<std::size_t>(config->crawl.max_body_bytes);
  limits.max_text_bytes = static_cast<std::size_t>(config->crawl.max_text_bytes);
  limits.max_links = static_cast<std::size_t>(config->crawl.max_links_per_page);
  limits.max_depth = static_cast<std::size_t>(config->crawl.max_html_depth);

  Result<std::unique_ptr<Scanner>> scanner = Scanner::Create(
      *loaded->hasher, loaded->ids, ScanOptionsFrom(config->matcher, static_cast<std::size_t>(config->crawl.max_text_bytes)));
  if (!scanner.ok()) return ReportError(scanner.status().WithContext(args.config + ": matcher.default_region"));
  const SeverityOptions severity = SeverityOptionsFrom(config->matcher);
  Result<std::int64_t> run_id = store->BeginRun(clock.NowUnix());
  if (!run_id.ok()) return ReportError(Status::IoError(run_id.status().message()));

  RunTotals totals;
  bool some_site_failed = false;
  for (const SiteOptions& site : config->sites) {
    Result<std::int64_t> site_id = store->UpsertSite(site.name, clock.NowUnix());
    if (!site_id.ok()) return ReportError(Status::IoError(site_id.status().message()));
    SocksCredentials credentials;
    if (config->tor.isolate_sites) credentials = SiteCredentials(site.name, run_nonce);
    Result<std::unique_ptr<SiteWalker>> walker = SiteWalker::Create(site, limits, credentials);
    if (!walker.ok()) return ReportError(walker.status());
    ScanAndStoreSink sink(**scanner, loaded->ids, severity, *store, *run_id, *site_id, clock);
    Result<SiteWalkStats> stats = (*walker)->Walk(**fetcher, sink);
    if (!stats.ok()) return ReportError(Status::IoError(stats.status().message()));

    SiteRunTotals st;
    st.pages = stats->pages;
    st.errors = stats->errors;
    st.new_findings = sink.new_findings();
    st.item_links = stats->item_links;
    st.up = stats->listings_ok > 0;
    st.last_error = stats->last_error;
    if (Status s = store->RecordSiteRun(*run_id, *site_id, st, clock.NowUnix()); !s.ok()) {
      return ReportError(Status::IoError(s.message()));
    }
    if (!st.up) some_site_failed = true;
    totals.pages += stats->pages;
    totals.bytes += stats->bytes;
    totals.errors += stats->errors;
    totals.new_findings += sink.new_findings();
    std::printf("%s: %lld pages, %lld errors, %lld new findings%s\n", site.name.c_str(),
                static_cast<long long>(stats->pages), static_cast<long long>(stats->errors),
                static_cast<long long>(sink.new_findings()),
                st.up ? "" : (" (site down: " + stats->last_error + ")").c_str());
    // This site's findings are committed: their alerts go out now.
    if (Status s = DeliverAlerts(alerts, false, &delivered); !s.ok()) return ReportError(Status::IoError(s.message()));
  }
  if (Status s = DeliverAlerts(alerts, true, &delivered); !s.ok()) return ReportError(Status::IoError(s.message()));
  if (delivered.alerts > 0) {
    std::printf("alerts: %lld sent in %lld messages\n", static_cast<long long>(delivered.alerts),
                static_cast<long long>(delivered.messages));
  }
  int exit_code = some_site_failed ? kExitSitesFailed : kExitOk;
  if (Status s = store->FinishRun(*run_id, totals, exit_code, clock.NowUnix()); !s.ok()) {
    return ReportError(Status::IoError(s.message()));
  }
  return exit_code;
}

}  // namespace leakmon
