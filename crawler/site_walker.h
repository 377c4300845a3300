// SiteWalker: one run over one configured site.
//
//   1. Fetch each start URL (a listing). From its links, resolved to absolute
//      URLs on the same host: those matching `follow` are further listings,
//      those matching `items` are items.
//   2. Fetch each item not already fetched in an earlier run (asked of the
//      sink), extract its text, and hand it to the sink.
// At most `max_pages` fetches per run. Listings come first, in discovery
// order; then items, in discovery order.
//
// The walker knows nothing of matching or storage: the CrawlSink decides
// what "seen" means and what to do with a page. Page text handed to the
// sink lives only for the duration of the OnPage call.
//
// A failed fetch is reported to the sink with its error and the walk goes
// on. A sink error stops the walk and is returned: it means leakmon itself
// cannot go on (for example the database is not writable).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/page_role.h"
#include "common/result.h"
#include "config/options.h"
#include "crawler/fetcher.h"
#include "crawler/html_text.h"

namespace leakmon {

struct CrawledPage {
  std::string url;                  // as requested
  PageRole role = PageRole::kItem;
  const FetchResponse* response = nullptr;
  std::string_view text;            // extracted text; empty when the fetch failed
  std::string content_sha256;       // hex SHA-256 of the decoded body; empty on failure
  std::string error_kind;           // empty on success (see FetchResponse)
  std::string error;
};

class CrawlSink {
 public:
  virtual ~CrawlSink() = default;
  // Whether the item at `url` was fetched successfully in an earlier run.
  virtual Result<bool> ItemSeen(const std::string& url) = 0;
  // Called once for every fetch, successful or not.
  virtual Status OnPage(const CrawledPage& page) = 0;
};

struct SiteWalkStats {
  std::int64_t pages = 0;       // fetches attempted
  std::int64_t errors = 0;      // fetches that failed
  std::int64_t bytes = 0;       // body bytes received
  std::int64_t item_links = 0;  // distinct item links the listings yielded
  std::int64_t listings_ok = 0; // listings fetched successfully
  std::string last_error;       // the last fetch error, for the site record
};

class SiteWalker {
 public:
  // Fails when a pattern does not compile (config validation prevents it).
  // `credentials` go with every request of this site (empty: no SOCKS auth).
  static Result<std::unique_ptr<SiteWalker>> Create(const SiteOptions& site, const HtmlLimits& limits,
                                                    const SocksCredentials& credentials = {});
  ~SiteWalker();

  Result<SiteWalkStats> Walk(Fetcher& fetcher, CrawlSink& sink);

 private:
  struct Impl;
  explicit SiteWalker(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace leakmon
