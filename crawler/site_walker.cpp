#include "crawler/site_walker.h"

#include <deque>
#include <re2/re2.h>
#include <unordered_set>

#include "common/sha256.h"
#include "common/url.h"

namespace leakmon {

struct SiteWalker::Impl {
  Impl(const SiteOptions& s, const HtmlLimits& l) : site(s), limits(l), items(s.items, Opts()) {
    if (!s.follow.empty()) follow = std::make_unique<RE2>(s.follow, Opts());
  }
  static RE2::Options Opts() {
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(8 << 20);
    return o;
  }

  SiteOptions site;
  HtmlLimits limits;
  SocksCredentials credentials;
  RE2 items;
  std::unique_ptr<RE2> follow;  // null: follow nothing
};

SiteWalker::SiteWalker(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SiteWalker::~SiteWalker() = default;

Result<std::unique_ptr<SiteWalker>> SiteWalker::Create(const SiteOptions& site, const HtmlLimits& limits,
                                                      const SocksCredentials& credentials) {
  auto impl = std::make_unique<Impl>(site, limits);
  impl->credentials = credentials;
  if (!impl->items.ok()) return Status::InvalidArgument("site " + site.name + ": items pattern: " + impl->items.error());
  if (impl->follow && !impl->follow->ok()) {
    return Status::InvalidArgument("site " + site.name + ": follow pattern: " + impl->follow->error());
  }
  return std::unique_ptr<SiteWalker>(new SiteWalker(std::move(impl)));
}

Result<SiteWalkStats> SiteWalker::Walk(Fetcher& fetcher, CrawlSink& sink) {
  SiteWalkStats stats;
  std::deque<std::string> listings(impl_->site.start.begin(), impl_->site.start.end());
  std::vector<std::string> items;
  std::unordered_set<std::string> queued(listings.begin(), listings.end());
  std::string host;
  {
    Result<UrlParts> first = ParseUrl(impl_->site.start.front());
    if (!first.ok()) return first.status();
    host = first->host;
  }
  std::int64_t budget = impl_->site.max_pages;

  auto fetch = [&](const std::string& url, PageRole role, std::vector<std::string>* links) -> Status {
    --budget;
    ++stats.pages;
    FetchRequest request;
    request.url = url;
    request.socks_username = impl_->credentials.username;
    request.socks_password = impl_->credentials.password;
    FetchResponse response = fetcher.Fetch(request);
    stats.bytes += static_cast<std::int64_t>(response.body.size());
    CrawledPage page;
    page.url = url;
    page.role = role;
    page.response = &response;
    page.error_kind = response.error_kind;
    page.error = response.error;
    std::string text;
    if (response.ok()) {
      page.content_sha256 = HexEncode(Sha256(response.body));
      Result<std::string> t = DocumentText(response.body, response.content_type, impl_->limits, links);
      if (t.ok()) {
        text = std::move(*t);
        page.text = text;
      } else {
        page.error_kind = "content";
        page.error = t.status().message();
      }
    }
    if (!page.error_kind.empty()) {
      ++stats.errors;
      stats.last_error = page.error_kind + ": " + page.error;
    } else if (role == PageRole::kListing) {
      ++stats.listings_ok;
    }
    return sink.OnPage(page);
  };

  while (!listings.empty() && budget > 0) {
    std::string url = std::move(listings.front());
    listings.pop_front();
    std::vector<std::string> links;
    LEAKMON_RETURN_IF_ERROR(fetch(url, PageRole::kListing, &links));
    for (const std::string& href : links) {
      Result<std::string> abs = ResolveUrl(url, href);
      if (!abs.ok()) continue;
      Result<UrlParts> parts = ParseUrl(*abs);
      if (!parts.ok() || parts->host != host || (parts->scheme != "http" && parts->scheme != "https")) continue;
      const std::string& link = parts->url;
      if (queued.count(link)) continue;
      if (RE2::PartialMatch(link, impl_->items)) {
        queued.insert(link);
        items.push_back(link);
        ++stats.item_links;
      } else if (impl_->follow && RE2::PartialMatch(link, *impl_->follow)) {
        queued.insert(link);
        listings.push_back(link);
      }
    }
  }

  for (const std::string& url : items) {
    if (budget <= 0) break;
    LEAKMON_ASSIGN_OR_RETURN(bool seen, sink.ItemSeen(url));
    if (seen) continue;
    LEAKMON_RETURN_IF_ERROR(fetch(url, PageRole::kItem, nullptr));
  }
  return stats;
}

}  // namespace leakmon
