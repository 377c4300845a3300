// StoreSink: the CrawlSink that keeps a crawl in the Store. Asked by the
// crawler, it answers from the frontier and the pages recorded so far; told
// of each page, it records the page (with the findings `scan` returns for
// an item's text, and with the frontier's state) in one transaction.
//
// Items are scanned; listings only lead to items (their previews would
// otherwise be reported again on every page they scroll through), and
// unchanged content was scanned when it was first fetched. An empty `scan`
// records pages without findings (benchmarks).
//
// Single-threaded, like the crawler that calls it.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "app/progress.h"
#include "common/clock.h"
#include "crawler/crawl_sink.h"
#include "storage/store.h"

namespace leakmon {

class StoreSink : public CrawlSink {
 public:
  // Scans an item's text: returns its findings and fills the record's
  // assessment (severity, refs).
  using Scan = std::function<std::vector<FindingRecord>(std::string_view text, PageRecord* record)>;

  // `site_ids[i]` is the store's id of the crawler's site i. Items failing
  // in `item_retry_runs` runs are given up. `progress` may be null.
  StoreSink(Store& store, std::int64_t run_id, std::vector<std::int64_t> site_ids, std::int64_t item_retry_runs,
            const Clock& clock, Scan scan, Progress* progress);

  Result<SiteBacklog> Backlog(std::size_t site) override;
  Result<ItemHistory> History(std::size_t site, const std::string& url) override;
  Status OnPage(std::size_t site, const CrawledPage& page) override;
  Status OnSiteDone(std::size_t site, const SiteRunStats& stats) override;

  std::int64_t new_findings(std::size_t site) const { return new_findings_[site]; }
  const SiteRunStats& stats(std::size_t site) const { return stats_[site]; }

 private:
  Store& store_;
  std::int64_t run_id_;
  std::vector<std::int64_t> site_ids_;
  std::int64_t item_retry_runs_;
  const Clock& clock_;
  Scan scan_;
  Progress* progress_;
  std::vector<std::int64_t> new_findings_;
  std::vector<SiteRunStats> stats_;
};

}  // namespace leakmon
