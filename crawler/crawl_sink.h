// What the crawler hands out, and the questions it asks, while it crawls:
// the CrawlSink is the crawler's only view of the rest of leakmon. The app
// implements it (scan, store, report); the crawler knows nothing of
// matching or storage.
//
// Every call comes from the crawler's one thread, in order. A sink error
// stops the crawl and is returned by Crawler::Run: it means leakmon itself
// cannot go on (for example the database is not writable). Sites are named
// by their index in the list given to the crawler.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/page_role.h"
#include "common/result.h"

namespace leakmon {

// One page's fetch, after retries and redirects, as the crawler saw it.
// Views and pointers are valid only during the OnPage call.
struct CrawledPage {
  std::string url;          // the listing or item URL (items: as linked, not the raw variant)
  std::string fetched_url;  // what was fetched last (raw variant, redirect target)
  PageRole role = PageRole::kItem;
  long http_status = 0;     // 0 when no HTTP response arrived
  std::string content_type;
  std::int64_t bytes = 0;   // decoded body bytes
  std::string content_sha256;  // hex SHA-256 of the decoded body; empty without a body
  std::string etag, last_modified;  // validators for the next recheck
  // The content is what an earlier run already scanned (304 Not Modified,
  // or the same SHA-256): `text` is empty and need not be scanned again.
  bool unchanged = false;
  std::string_view text;    // extracted UTF-8 text; empty on failure or when unchanged
  bool truncated = false;   // text, links or decoding hit a cap
  int attempts = 1;         // fetches made, retries included
  // Listings: item links on this page (in scope, matching `items`), known
  // or not; and the links discovered here that are not fetched yet, to be
  // kept in the frontier so that an interrupted run resumes them.
  std::int64_t item_links = 0;
  std::vector<std::string> new_items;
  std::vector<std::string> new_listings;
  std::string error_kind;   // empty on success (fetch_error.h)
  std::string error;

  bool ok() const { return error_kind.empty(); }
};

// What earlier runs did with an item.
struct ItemHistory {
  bool fetched = false;           // fetched successfully before
  std::int64_t last_ok_at = 0;    // Unix seconds of that fetch
  std::string content_sha256;     // of that fetch
  std::string etag, last_modified;
  bool given_up = false;          // failed in too many runs; not tried again
};

// Work earlier runs discovered and did not finish, oldest first.
struct SiteBacklog {
  std::vector<std::string> listings;
  std::vector<std::string> items;
};

// One site's run, for the summary and the site's health record.
struct SiteRunStats {
  std::int64_t pages = 0;          // pages that came to an end (fetched or failed)
  std::int64_t errors = 0;         // of which failed
  std::int64_t retries = 0;        // extra attempts for transient errors
  std::int64_t unchanged = 0;      // rechecked items that had not changed
  std::int64_t bytes = 0;          // decoded body bytes
  std::int64_t item_links = 0;     // distinct item links the listings yielded
  std::int64_t listings_ok = 0;    // listings fetched successfully
  std::int64_t listings_failed = 0;
  std::int64_t pending = 0;        // items queued but not fetched (budget, stop)
  bool budget_exhausted = false;   // max_pages reached
  bool interrupted = false;        // the run stopped (signal, max runtime) before the site was done
  std::string last_error;          // "kind: message" of the last failed fetch
  bool up() const { return listings_ok > 0; }
};

class CrawlSink {
 public:
  virtual ~CrawlSink() = default;
  // Listings and items of `site` discovered by earlier runs and not done.
  virtual Result<SiteBacklog> Backlog(std::size_t site) = 0;
  // What earlier runs did with the item at `url` of `site`.
  virtual Result<ItemHistory> History(std::size_t site, const std::string& url) = 0;
  // Once for every page that came to an end, successful or not.
  virtual Status OnPage(std::size_t site, const CrawledPage& page) = 0;
  // Once per site, after its last page (also when the run stopped early).
  virtual Status OnSiteDone(std::size_t site, const SiteRunStats& stats) = 0;
};

}  // namespace leakmon
