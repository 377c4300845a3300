#include "config/validate.h"

#include <re2/re2.h>
#include <set>

#include "common/url.h"

namespace leakmon {
namespace {

Status Bad(const Config& c, const std::string& key, const std::string& what) {
  return Status::InvalidArgument(c.path + ": " + key + ": " + what);
}

Status CheckPattern(const Config& c, const std::string& key, const std::string& pattern) {
  RE2::Options opts;
  opts.set_log_errors(false);
  RE2 re(pattern, opts);
  if (!re.ok()) return Bad(c, key, "pattern does not compile: " + re.error());
  return Status::Ok();
}

Status CheckProxy(const Config& c) {
  const std::string& p = c.tor.proxy;
  if (p.rfind("socks5h://", 0) != 0) {
    return Bad(c, "tor.proxy",
               "must start with socks5h:// so that onion names are resolved by Tor, not locally");
  }
  Result<UrlParts> u = ParseUrl(p);
  if (!u.ok() || u->port <= 0) return Bad(c, "tor.proxy", "expected socks5h://host:port");
  return Status::Ok();
}

}  // namespace

bool IsV3OnionHost(std::string_view host) {
  constexpr std::string_view kSuffix = ".onion";
  if (host.size() != 56 + kSuffix.size()) return false;
  for (std::size_t i = 0; i < 56; ++i) {
    char c = host[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7');
    if (!ok) return false;
  }
  std::string tail(host.substr(56));
  for (char& ch : tail) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return tail == kSuffix;
}

Status ValidateConfig(const Config& c) {
  LEAKMON_RETURN_IF_ERROR(CheckProxy(c));
  if (c.sites.empty()) return Bad(c, "site", "no [[site]] configured; nothing to crawl");
  std::set<std::string> names;
  for (std::size_t i = 0; i < c.sites.size(); ++i) {
    const SiteOptions& s = c.sites[i];
    const std::string key = "site[" + std::to_string(i) + "]";
    if (s.name.empty()) return Bad(c, key + ".name", "must not be empty");
    if (!names.insert(s.name).second) return Bad(c, key + ".name", "duplicate site name \"" + s.name + "\"");
    if (s.start.empty()) return Bad(c, key + ".start", "needs at least one URL");
    for (const std::string& url : s.start) {
      Result<UrlParts> u = ParseUrl(url);
      if (!u.ok()) return Bad(c, key + ".start", "\"" + url + "\" is not a URL");
      if (u->scheme != "http" && u->scheme != "https") {
        return Bad(c, key + ".start", "\"" + url + "\": only http and https are allowed");
      }
      if (!IsV3OnionHost(u->host)) {
        return Bad(c, key + ".start", "\"" + url + "\" is not on a v3 .onion host");
      }
    }
    if (s.items.empty()) return Bad(c, key + ".items", "must not be empty");
    LEAKMON_RETURN_IF_ERROR(CheckPattern(c, key + ".items", s.items));
    if (!s.follow.empty()) LEAKMON_RETURN_IF_ERROR(CheckPattern(c, key + ".follow", s.follow));
  }
  return Status::Ok();
}

}  // namespace leakmon
