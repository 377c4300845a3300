#include "app/store_sink.h"

#include "app/console.h"

namespace leakmon {

StoreSink::StoreSink(Store& store, std::int64_t run_id, std::vector<std::int64_t> site_ids,
                     std::int64_t item_retry_runs, const Clock& clock, Scan scan, Progress* progress)
    : store_(store), run_id_(run_id), site_ids_(std::move(site_ids)), item_retry_runs_(item_retry_runs),
      clock_(clock), scan_(std::move(scan)), progress_(progress), new_findings_(site_ids_.size(), 0),
      stats_(site_ids_.size()) {}

Result<SiteBacklog> StoreSink::Backlog(std::size_t site) {
  LEAKMON_ASSIGN_OR_RETURN(leakmon::Backlog b, store_.FrontierBacklog(site_ids_[site], item_retry_runs_));
  return SiteBacklog{std::move(b.listings), std::move(b.items)};
}

Result<ItemHistory> StoreSink::History(std::size_t site, const std::string& url) {
  LEAKMON_ASSIGN_OR_RETURN(ItemState item, store_.Item(site_ids_[site], url));
  ItemHistory h;
  h.fetched = item.fetched;
  h.last_ok_at = item.last_ok_at;
  h.content_sha256 = std::move(item.content_sha256);
  h.etag = std::move(item.etag);
  h.last_modified = std::move(item.last_modified);
  h.given_up = item.failed_runs >= item_retry_runs_;
  return h;
}

Status StoreSink::OnPage(std::size_t site, const CrawledPage& page) {
  const std::int64_t site_id = site_ids_[site];
  const std::int64_t now = clock_.NowUnix();
  LEAKMON_RETURN_IF_ERROR(store_.AddToFrontier(site_id, PageRole::kItem, page.new_items, now));
  LEAKMON_RETURN_IF_ERROR(store_.AddToFrontier(site_id, PageRole::kListing, page.new_listings, now));
  PageRecord rec;
  rec.site_id = site_id;
  rec.url = page.url;
  rec.role = page.role;
  rec.fetched_at = now;
  if (page.http_status != 0) rec.http_status = page.http_status;
  if (!page.content_sha256.empty()) rec.content_sha256 = page.content_sha256;
  rec.bytes = page.bytes;
  rec.error_kind = page.error_kind;
  rec.error = page.error;
  rec.etag = page.etag;
  rec.last_modified = page.last_modified;
  rec.unchanged = page.unchanged;
  if (page.ok() && page.role == PageRole::kListing) rec.item_links = page.item_links;

  std::vector<FindingRecord> findings;
  if (scan_ && page.ok() && page.role == PageRole::kItem && !page.unchanged) findings = scan_(page.text, &rec);
  LEAKMON_ASSIGN_OR_RETURN(std::int64_t fresh, store_.RecordPage(run_id_, rec, findings));
  new_findings_[site] += fresh;
  if (progress_) progress_->Page(page.bytes, fresh);
  PrintVerbose(std::string(PageRoleName(page.role)) + " " + page.url + " status=" + std::to_string(page.http_status) +
               (page.error_kind.empty() ? "" : " error=" + page.error_kind) + (page.unchanged ? " unchanged" : "") +
               " findings=" + std::to_string(findings.size()) + " new=" + std::to_string(fresh));
  return Status::Ok();
}

Status StoreSink::OnSiteDone(std::size_t site, const SiteRunStats& stats) {
  stats_[site] = stats;
  if (progress_) progress_->SiteDone();
  return Status::Ok();
}

}  // namespace leakmon
