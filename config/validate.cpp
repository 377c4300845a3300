#include "config/validate.h"

#include <cctype>
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

// "host:port" (IPv6 as "[addr]:port") or "unix:/absolute/path".
Status CheckControl(const Config& c) {
  const std::string& a = c.tor.control;
  if (a.empty() || c.tor.launch) return Status::Ok();
  if (a.rfind("unix:", 0) == 0) {
    if (a.size() > 5 && a[5] == '/') return Status::Ok();
    return Bad(c, "tor.control", "expected unix:/absolute/path");
  }
  std::size_t colon = a.rfind(':');
  if (colon == std::string::npos || colon == 0) return Bad(c, "tor.control", "expected host:port or unix:/path");
  std::string port = a.substr(colon + 1);
  bool digits = !port.empty() && port.size() <= 5 &&
                port.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || std::stoi(port) < 1 || std::stoi(port) > 65535) {
    return Bad(c, "tor.control", "\"" + a + "\": expected host:port with a port from 1 to 65535");
  }
  return Status::Ok();
}

// Options the launched tor's torrc sets itself; extra lines may not override them.
Status CheckExtraTorrc(const Config& c) {
  static constexpr std::string_view kReserved[] = {
      "datadirectory", "socksport", "controlport", "controlsocket", "cookieauthentication",
      "cookieauthfile", "controlportwritetofile", "__owningcontrollerprocess", "hashedcontrolpassword",
      "runasdaemon"};
  for (std::size_t i = 0; i < c.tor.extra_torrc.size(); ++i) {
    const std::string& line = c.tor.extra_torrc[i];
    const std::string key = "tor.extra_torrc[" + std::to_string(i) + "]";
    if (line.find_first_of(std::string("\r\n\0", 3)) != std::string::npos) {
      return Bad(c, key, "one torrc option per entry, without line breaks");
    }
    std::string word = line.substr(0, line.find_first_of(" \t"));
    for (char& ch : word) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (word.empty()) return Bad(c, key, "empty torrc line");
    for (std::string_view r : kReserved) {
      if (word == r) return Bad(c, key, "leakmon sets " + std::string(line.substr(0, word.size())) + " itself");
    }
  }
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
  if (!c.tor.launch) LEAKMON_RETURN_IF_ERROR(CheckProxy(c));
  LEAKMON_RETURN_IF_ERROR(CheckControl(c));
  LEAKMON_RETURN_IF_ERROR(CheckExtraTorrc(c));
  if (c.tor.launch && c.tor.tor_binary.empty()) return Bad(c, "tor.tor_binary", "must not be empty");
  const std::string& region = c.matcher.default_region;
  if (region.size() != 2 || !std::isupper(static_cast<unsigned char>(region[0])) ||
      !std::isupper(static_cast<unsigned char>(region[1]))) {
    return Bad(c, "matcher.default_region", "expected a two-letter ISO 3166 region such as \"FI\"");
  }
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
      if (!IsV3OnionHost(u->host) && !s.allow_clearnet) {
        return Bad(c, key + ".start",
                   "\"" + url + "\" is not on a v3 .onion host (set allow_clearnet = true to crawl it, through Tor)");
      }
    }
    for (const std::string& host : s.extra_hosts) {
      Result<UrlParts> u = ParseUrl("http://" + host + "/");
      if (host.empty() || !u.ok() || u->host != host) {
        return Bad(c, key + ".extra_hosts", "\"" + host + "\" is not a lowercase host name");
      }
      if (!IsV3OnionHost(host) && !s.allow_clearnet) {
        return Bad(c, key + ".extra_hosts",
                   "\"" + host + "\" is not a v3 .onion host (set allow_clearnet = true to allow it, through Tor)");
      }
    }
    if (!s.raw_match.empty()) {
      RE2::Options opts;
      opts.set_log_errors(false);
      RE2 re(s.raw_match, opts);
      if (!re.ok()) return Bad(c, key + ".raw.match", "pattern does not compile: " + re.error());
      std::string error;
      if (!re.CheckRewriteString(s.raw_replace, &error)) return Bad(c, key + ".raw.replace", error);
    }
    if (s.items.empty()) return Bad(c, key + ".items", "must not be empty");
    LEAKMON_RETURN_IF_ERROR(CheckPattern(c, key + ".items", s.items));
    if (!s.follow.empty()) LEAKMON_RETURN_IF_ERROR(CheckPattern(c, key + ".follow", s.follow));
  }
  return Status::Ok();
}

}  // namespace leakmon
