// Sites rendered for people and programs: `leakmon sites`.
//
// One row per site: status, the recent run history, last run and last
// success, consecutive failures, when a down site is tried again, pages
// fetched, items waiting in the frontier, findings (after the command's
// filters) and the last error. Status: "never" before its first run, "up",
// "down", "backing off" (down, and skipped until `next_attempt`), or
// "adapter broken?" (up, but a listing that used to yield items has yielded
// none for several runs: the site's layout probably changed). Pure
// functions of their input; names and errors are made printable for
// terminals.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/report_queries.h"

namespace leakmon {

// The crawler's record of a site (storage/store.h, SiteHealthRecord).
struct SiteCrawlState {
  std::string history;  // last runs, oldest first: U up, D down, S skipped; lowercase: interrupted
  std::optional<std::int64_t> next_attempt;  // a down site is skipped until then
  bool backing_off = false;                  // next_attempt is still ahead
  std::int64_t pending_items = 0;            // in the frontier, not fetched yet
  std::int64_t given_up_items = 0;           // failed in too many runs
  std::int64_t item_links = 0;               // item links the last run's listings yielded
  std::vector<std::string> broken_listings;  // listings that stopped yielding items
};

struct SiteRow {
  SiteHealth health;
  std::int64_t findings = 0;
  std::int64_t critical = 0;
  SiteCrawlState crawl;
};

// Aligned table; status and critical counts coloured when `colour` is set.
std::string FormatSitesTable(const std::vector<SiteRow>& rows, bool colour);
// RFC 4180 CSV: site,status,last_run,last_success,consecutive_failures,pages_fetched,findings,critical,last_error,
// history,next_attempt,pending_items,given_up_items,item_links,broken_listings (space-separated URLs)
std::string FormatSitesCsv(const std::vector<SiteRow>& rows);
// A JSON array of site objects with the CSV's fields (times RFC 3339 or null).
std::string FormatSitesJson(const std::vector<SiteRow>& rows);

}  // namespace leakmon
