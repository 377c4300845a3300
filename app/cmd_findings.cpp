// leakmon findings / leakmon sites / leakmon export: read the stored findings. Reading never
// touches the network and never needs the key.
#include "app/commands.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "app/console.h"
#include "app/exit_codes.h"
#include "common/clock.h"
#include "common/files.h"
#include "config/load.h"
#include "report/exports.h"
#include "report/findings_format.h"
#include "report/severity.h"
#include "report/sites_format.h"
#include "storage/outbox.h"
#include "storage/report_queries.h"
#include "storage/store.h"

namespace leakmon {
namespace {

// `severities`: comma-separated names; each must be a known severity.
Result<std::vector<std::string>> ParseSeverities(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (!list.empty() && start <= list.size()) {
    std::size_t comma = std::min(list.find(',', start), list.size());
    std::string name = list.substr(start, comma - start);
    if (!IsSeverityName(name)) {
      return Status::InvalidArgument("--severity: \"" + name + "\" is not low, high or critical");
    }
    out.push_back(name);
    start = comma + 1;
  }
  return out;
}

Result<std::vector<FindingRow>> LoadFindings(Store& store, const std::string& since, const std::string& site,
                                             const std::string& severities) {
  FindingFilter filter;
  if (!since.empty()) {
    std::optional<std::int64_t> t = ParseDate(since);
    if (!t) return Status::InvalidArgument("--since: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
    filter.since = *t;
  }
  if (!site.empty()) filter.site = site;
  LEAKMON_ASSIGN_OR_RETURN(filter.severities, ParseSeverities(severities));
  return store.ListFindings(filter);
}

Result<Store> OpenStore(const Config& config) {
  Result<Store> store = Store::Open(config.storage.database);
  if (!store.ok()) return Status::IoError(store.status().message());
  return store;
}

Result<ExportData> LoadExportData(const Config& config, Store& store, const std::string& since) {
  ExportData d;
  d.generated_at = SystemClock().NowUnix();
  d.organization = config.report.organization;
  LEAKMON_ASSIGN_OR_RETURN(d.findings, LoadFindings(store, since, "", ""));
  LEAKMON_ASSIGN_OR_RETURN(d.sites, ListSiteHealth(store.db()));
  LEAKMON_ASSIGN_OR_RETURN(d.site_history, ListSiteHistory(store.db(), d.generated_at - 40 * 86400));
  LEAKMON_ASSIGN_OR_RETURN(d.last_run, LastFinishedRun(store.db()));
  std::vector<std::string> channels;
  for (const AlertOptions& a : config.alerts) channels.push_back(a.name);
  LEAKMON_ASSIGN_OR_RETURN(d.alerts_pending, Outbox(store.db()).PendingCount(channels));
  return d;
}

// What `findings` and `sites` read: the store and the filtered findings.
struct Reading {
  Config config;
  Store store;
  std::vector<FindingRow> findings;
};

Result<Reading> Read(const std::string& format, const std::string& config_path, const std::string& since,
                     const std::string& site, const std::string& severity) {
  if (format != "table" && format != "json" && format != "csv") {
    return Status::InvalidArgument("--format must be table, json or csv");
  }
  LEAKMON_ASSIGN_OR_RETURN(Config config, LoadConfigFile(config_path));
  LEAKMON_ASSIGN_OR_RETURN(Store store, OpenStore(config));
  LEAKMON_ASSIGN_OR_RETURN(std::vector<FindingRow> findings, LoadFindings(store, since, site, severity));
  return Reading{std::move(config), std::move(store), std::move(findings)};
}

}  // namespace

int RunFindings(const FindingsArgs& args) {
  Result<Reading> read = Read(args.format, args.config, args.since, args.site, args.severity);
  if (!read.ok()) return ReportError(read.status());
  const std::vector<FindingRow>* rows = &read->findings;
  std::string out;
  if (args.format == "json") {
    out = FormatFindingsJson(*rows);
  } else if (args.format == "csv") {
    out = FormatFindingsCsv(*rows);
  } else {
    out = rows->empty() ? "no findings\n" : FormatFindingsTable(*rows, ColourStdout());
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

int RunSites(const SitesArgs& args) {
  Result<Reading> read = Read(args.format, args.config, args.since, args.site, args.severity);
  if (!read.ok()) return ReportError(read.status());
  const std::vector<FindingRow>* findings = &read->findings;
  Result<std::vector<SiteHealth>> sites = ListSiteHealth(read->store.db());
  if (!sites.ok()) return ReportError(Status::IoError(sites.status().message()));
  // The crawler's record: history, backoff, frontier, broken listings.
  const CrawlOptions& co = read->config.crawl;
  Result<std::vector<SiteHealthRecord>> crawl = read->store.SiteHealthReport(co.item_retry_runs, co.adapter_broken_runs);
  if (!crawl.ok()) return ReportError(Status::IoError(crawl.status().message()));
  std::map<std::string, SiteCrawlState> crawl_by_name;
  const std::int64_t now = SystemClock().NowUnix();
  for (SiteHealthRecord& c : *crawl) {
    crawl_by_name[c.name] = SiteCrawlState{std::move(c.history), c.next_attempt_at,
                                           c.next_attempt_at && *c.next_attempt_at > now, c.pending_items,
                                           c.given_up_items, c.last_item_links, std::move(c.broken_listings)};
  }
  std::optional<std::int64_t> since = args.since.empty() ? std::nullopt : ParseDate(args.since);
  std::vector<SiteRow> rows;
  for (const SiteHealth& h : *sites) {
    if (!args.site.empty() && h.name != args.site) continue;
    if (since && h.last_run_at.value_or(0) < *since) continue;
    SiteRow r{h, 0, 0, crawl_by_name[h.name]};
    for (const FindingRow& f : *findings) {
      if (f.site != h.name) continue;
      ++r.findings;
      r.critical += f.severity == "critical" ? 1 : 0;
    }
    rows.push_back(std::move(r));
  }
  std::string out = args.format == "json"  ? FormatSitesJson(rows)
                    : args.format == "csv" ? FormatSitesCsv(rows)
                    : rows.empty()         ? "no sites\n"
                                           : FormatSitesTable(rows, ColourStdout());
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

int RunExport(const ExportArgs& args) {
  if (std::find(std::begin(kExportFormats), std::end(kExportFormats), args.format) == std::end(kExportFormats)) {
    return ReportError(Status::InvalidArgument("--format: expected json, ndjson, csv, stix, prometheus or html"));
  }
  Result<Config> config = LoadConfigFile(args.config);
  if (!config.ok()) return ReportError(config.status());
  Result<Store> store = OpenStore(*config);
  if (!store.ok()) return ReportError(store.status());
  Result<ExportData> data = LoadExportData(*config, *store, args.since);
  if (!data.ok()) return ReportError(data.status());
  // node_exporter and browsers read these as another user; the rest stay private.
  mode_t mode = args.format == "prometheus" || args.format == "html" ? 0644 : 0640;
  if (Status s = WriteFileAtomic(args.out, RenderExport(args.format, *data), mode); !s.ok()) return ReportError(s);
  return kExitOk;
}

}  // namespace leakmon
