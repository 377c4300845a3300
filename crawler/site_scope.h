// SiteScope: which URLs belong to a configured site, and what each link is.
// Pure: no I/O. Built once per site and run; const methods are thread-safe.
//
//   - In scope: http or https, on one of the site's hosts: the hosts of its
//     start URLs and its `extra_hosts`. Everything else (other onions,
//     clearnet, file://, javascript:) is out of scope: never fetched, never
//     followed, redirects there are refused.
//   - A link in scope matching `items` is an item; else matching `follow`,
//     a further listing; else nothing. Patterns are searched (RE2
//     PartialMatch) in the absolute URL without its fragment.
//   - `raw`: an item URL matching raw.match is fetched as the rewrite
//     raw.replace (e.g. /paste/X -> /raw/X, the plain-text variant); the
//     page is still recorded under the item URL.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>

#include "common/result.h"
#include "config/options.h"

namespace re2 {
class RE2;
}

namespace leakmon {

enum class LinkKind { kNone, kItem, kListing };

class SiteScope {
 public:
  // Fails when a pattern does not compile (config validation prevents it).
  static Result<std::unique_ptr<SiteScope>> Create(const SiteOptions& site);
  ~SiteScope();

  // Whether `url` (absolute) may be fetched for this site.
  bool InScope(std::string_view url) const;

  // Resolves `href` against `base` and classifies it. On kItem/kListing,
  // `absolute` holds the normalized URL without fragment.
  LinkKind Classify(std::string_view base, std::string_view href, std::string* absolute) const;

  // The URL to fetch for the item at `item_url` (the raw rewrite, or itself).
  std::string FetchUrlFor(const std::string& item_url) const;

 private:
  SiteScope() = default;
  std::unordered_set<std::string> hosts_;
  std::unique_ptr<re2::RE2> items_, follow_, raw_match_;
  std::string raw_replace_;
};

}  // namespace leakmon
