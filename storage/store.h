// Store: leakmon's record of sites, runs, pages and findings in SQLite.
//
// What is stored is exactly what DEVELOPERS.md allows: site names, URLs,
// times, HTTP statuses, content SHA-256, byte counts, error kinds and curl's
// error messages, and per finding the identifier's kind, keyed hash, opaque
// ref and a count. Callers never pass page text in, and no method takes any.
//
// Every write that belongs together is one transaction: a page and its
// findings commit together, so a run killed at any point leaves either
// both or neither. Not thread-safe; use one Store per thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/page_role.h"
#include "common/result.h"
#include "storage/sqlite.h"

namespace leakmon {

struct PageRecord {
  std::int64_t site_id = 0;
  std::string url;
  PageRole role = PageRole::kItem;
  std::int64_t fetched_at = 0;
  std::optional<std::int64_t> http_status;     // none when no response arrived
  std::optional<std::string> content_sha256;   // hex; none when no body was kept (the last digest stays)
  std::int64_t bytes = 0;
  std::string error_kind;  // empty when the fetch succeeded
  std::string error;       // human-readable; never page content
  // Matcher's assessment (matcher/severity.h); none for pages without findings.
  std::optional<std::string> severity;  // "low", "high", "critical"
  std::int64_t distinct_refs = 0;       // distinct refs among the findings
  std::int64_t record_refs = 0;         // refs that make a record match
  std::string etag;           // response validators, for rechecks; may be empty
  std::string last_modified;
  // Listings fetched successfully: the item links found on the page.
  std::optional<std::int64_t> item_links;
  // A recheck found the content the page had (304, or the same SHA-256):
  // it was not scanned again, and the page keeps its severity and refs.
  bool unchanged = false;
};

struct FindingRecord {
  std::string kind;
  std::string hash;  // hex of the identifier's primary keyed hash
  std::string ref;
  std::int64_t count = 0;
  std::string severity = "low";   // "low", "high", "critical"
  std::string strength = "exact"; // "exact", or "folded" (weaker variant only)
  bool record = false;            // its ref makes a record match on the page
};

struct RunTotals {
  std::int64_t pages = 0;
  std::int64_t bytes = 0;
  std::int64_t errors = 0;
  std::int64_t new_findings = 0;
};

struct SiteRunTotals {
  std::int64_t pages = 0;
  std::int64_t errors = 0;
  std::int64_t new_findings = 0;
  std::int64_t item_links = 0;  // item links the listings yielded
  std::int64_t retries = 0;
  bool up = false;              // at least one listing fetched successfully
  bool skipped = false;         // not crawled: backing off after failed runs
  bool interrupted = false;     // the run stopped before the site was done
  std::string last_error;       // when !up
  // When a down site may be tried again; none: next run.
  std::optional<std::int64_t> next_attempt_at;
};

// Frontier work an earlier run discovered and did not finish, oldest first.
struct Backlog {
  std::vector<std::string> listings;
  std::vector<std::string> items;  // excluding items given up
};

// What is known of one item page.
struct ItemState {
  bool fetched = false;            // fetched successfully at least once
  std::int64_t last_ok_at = 0;
  std::string content_sha256;
  std::string etag;
  std::string last_modified;
  std::int64_t failed_runs = 0;    // runs in which it failed and was not fetched since
};

// A site's health, for `leakmon sites` and the run's skip decisions.
struct SiteHealthRecord {
  std::string name;
  std::optional<std::int64_t> last_run_at;
  std::optional<std::int64_t> last_success_at;
  std::int64_t consecutive_failures = 0;
  std::string last_error;
  std::optional<std::int64_t> next_attempt_at;  // skipped until then
  // Last runs, oldest first: U up, D down, S skipped; lowercase when the
  // run was interrupted before the site was done.
  std::string history;
  std::int64_t last_item_links = 0;  // item links the last run's listings yielded
  std::int64_t pages = 0;            // pages recorded
  std::int64_t pending_items = 0;    // in the frontier, not fetched yet
  std::int64_t given_up_items = 0;   // failed in too many runs
  std::int64_t findings = 0;
  // Listings that used to yield items and yielded none in the last
  // adapter_broken_runs runs: the site's layout probably changed.
  std::vector<std::string> broken_listings;
};

struct FindingRow {
  std::int64_t id = 0;
  std::string site;
  std::string url;
  std::string kind;
  std::string ref;
  std::string hash;
  std::int64_t count = 0;
  std::int64_t first_seen_at = 0;
  std::int64_t last_seen_at = 0;
  std::string content_sha256;
  std::string severity;                    // the finding's
  std::string strength;
  bool record = false;
  std::optional<std::string> page_severity;  // the page's, as last fetched
  std::int64_t page_distinct_refs = 0;
  std::int64_t page_record_refs = 0;
};

struct FindingFilter {
  std::optional<std::int64_t> since;  // first_seen_at >= since
  std::optional<std::string> site;
  std::vector<std::string> severities;  // any of these; empty: all
};

class Store {
 public:
  // Opens or creates the database and migrates it (schema.h).
  static Result<Store> Open(const std::string& path);

  Result<std::int64_t> BeginRun(std::int64_t now);
  Status FinishRun(std::int64_t run_id, const RunTotals& totals, int exit_code, std::int64_t now);

  // The id of the site named `name`, created if new.
  Result<std::int64_t> UpsertSite(const std::string& name, std::int64_t now);

  // True when `url` of `site_id` was fetched before with a 2xx response.
  Result<bool> ItemFetched(std::int64_t site_id, const std::string& url);

  // What is known of the item at `url` of `site_id`.
  Result<ItemState> Item(std::int64_t site_id, const std::string& url);

  // Keeps `urls` in the frontier of `site_id` until they are fetched
  // (RecordPage removes them). URLs already there keep their place.
  Status AddToFrontier(std::int64_t site_id, PageRole role, const std::vector<std::string>& urls,
                       std::int64_t now);

  // The frontier of `site_id`: items with fewer than `max_failed_runs`
  // failed runs, and listings.
  Result<Backlog> FrontierBacklog(std::int64_t site_id, std::int64_t max_failed_runs);

  // Records one fetch of a page and, atomically with it, the findings in its
  // content and the page's frontier state: a fetched item or any fetched
  // listing leaves the frontier; a failed item counts one more failed run.
  // A listing's item links are kept per run (listing_yields) for the
  // "adapter broken?" check. Findings already recorded for this page are
  // not new: they only update last_seen_at, severity, strength and record.
  // New findings get one alert in the outbox (storage/outbox.h), in the
  // same transaction, with the page's severity. Returns the number of new
  // findings.
  Result<std::int64_t> RecordPage(std::int64_t run_id, const PageRecord& page,
                                  const std::vector<FindingRecord>& findings);

  // Records a site's run: its row in site_runs and its health in sites
  // (a skipped run changes neither the failure count nor last_run_at).
  Status RecordSiteRun(std::int64_t run_id, std::int64_t site_id, const SiteRunTotals& totals,
                       std::int64_t now);

  // Every site's health, by name: `history_runs` runs of history; items
  // with `item_retry_runs` failed runs count as given up; listings empty for
  // `adapter_broken_runs` runs are broken.
  Result<std::vector<SiteHealthRecord>> SiteHealthReport(std::int64_t item_retry_runs, std::int64_t adapter_broken_runs,
                                                   int history_runs = 20);

  // Findings joined with their page and site, oldest first.
  Result<std::vector<FindingRow>> ListFindings(const FindingFilter& filter);

  Database& db() { return db_; }

 private:
  explicit Store(Database db) : db_(std::move(db)) {}

  // A statement prepared once per Store (keyed by the address of its SQL
  // literal) and reset when the handle goes out of scope, so that no read
  // stays open between uses. For the statements every page runs.
  class Cached {
   public:
    explicit Cached(Statement* st) : st_(st) {}
    Cached(Cached&& other) noexcept : st_(std::exchange(other.st_, nullptr)) {}
    Cached& operator=(Cached&&) = delete;
    ~Cached() {
      if (st_) st_->Reset();
    }
    Statement* operator->() const { return st_; }

   private:
    Statement* st_;
  };
  Result<Cached> Prepared(const char* sql);

  // Inside RecordPage's transaction.
  Status AdvanceFrontier(const PageRecord& page);
  Status RecordListingYield(std::int64_t run_id, std::int64_t page_id, std::int64_t item_links);
  Database db_;
  std::map<const char*, std::unique_ptr<Statement>> prepared_;  // destroyed before db_
};

}  // namespace leakmon
