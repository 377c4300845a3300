#include "crawler/site_scope.h"

#include <re2/re2.h>

#include "common/url.h"

namespace leakmon {
namespace {

std::unique_ptr<RE2> Compile(const std::string& pattern) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(8 << 20);
  return std::make_unique<RE2>(pattern, o);
}

std::string LowerHost(std::string host) {
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host;
}

}  // namespace

SiteScope::~SiteScope() = default;

Result<std::unique_ptr<SiteScope>> SiteScope::Create(const SiteOptions& site) {
  std::unique_ptr<SiteScope> s(new SiteScope());
  const std::string where = "site " + site.name + ": ";
  s->items_ = Compile(site.items);
  if (!s->items_->ok()) return Status::InvalidArgument(where + "items pattern: " + s->items_->error());
  if (!site.follow.empty()) {
    s->follow_ = Compile(site.follow);
    if (!s->follow_->ok()) return Status::InvalidArgument(where + "follow pattern: " + s->follow_->error());
  }
  if (!site.raw_match.empty()) {
    s->raw_match_ = Compile(site.raw_match);
    std::string error;
    if (!s->raw_match_->ok()) return Status::InvalidArgument(where + "raw.match: " + s->raw_match_->error());
    if (!s->raw_match_->CheckRewriteString(site.raw_replace, &error)) {
      return Status::InvalidArgument(where + "raw.replace: " + error);
    }
    s->raw_replace_ = site.raw_replace;
  }
  for (const std::string& url : site.start) {
    Result<UrlParts> u = ParseUrl(url);
    if (!u.ok()) return Status::InvalidArgument(where + "bad start URL " + url);
    s->hosts_.insert(LowerHost(u->host));
  }
  for (const std::string& host : site.extra_hosts) s->hosts_.insert(LowerHost(host));
  return s;
}

bool SiteScope::InScope(std::string_view url) const {
  Result<UrlParts> u = ParseUrl(url);
  return u.ok() && (u->scheme == "http" || u->scheme == "https") && hosts_.count(u->host) > 0;
}

LinkKind SiteScope::Classify(std::string_view base, std::string_view href, std::string* absolute) const {
  Result<std::string> abs = ResolveUrl(base, href);
  if (!abs.ok()) return LinkKind::kNone;
  Result<UrlParts> u = ParseUrl(*abs);
  if (!u.ok() || (u->scheme != "http" && u->scheme != "https") || hosts_.count(u->host) == 0) {
    return LinkKind::kNone;
  }
  LinkKind kind = LinkKind::kNone;
  if (RE2::PartialMatch(u->url, *items_)) {
    kind = LinkKind::kItem;
  } else if (follow_ && RE2::PartialMatch(u->url, *follow_)) {
    kind = LinkKind::kListing;
  }
  if (kind != LinkKind::kNone) *absolute = std::move(u->url);
  return kind;
}

std::string SiteScope::FetchUrlFor(const std::string& item_url) const {
  if (!raw_match_) return item_url;
  std::string url = item_url;
  if (!RE2::Replace(&url, *raw_match_, raw_replace_)) return item_url;
  return url;
}

}  // namespace leakmon
