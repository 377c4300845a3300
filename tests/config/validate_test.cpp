#include "config/validate.h"

#include <catch2/catch.hpp>

#include "config/load.h"

namespace {
const std::string kOnion = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion";

leakmon::Config Valid() {
  leakmon::Config c;
  c.path = "f.toml";
  leakmon::SiteOptions s;
  s.name = "a";
  s.start = {"http://" + kOnion + "/latest"};
  s.items = "/paste/[a-z]+$";
  c.sites.push_back(s);
  return c;
}
}  // namespace

TEST_CASE("A valid config passes") { CHECK(leakmon::ValidateConfig(Valid()).ok()); }

TEST_CASE("Clearnet start URLs and hosts are allowed only with allow_clearnet") {
  leakmon::Config c = Valid();
  c.sites[0].start.push_back("https://paste.example.com/latest");
  c.sites[0].extra_hosts = {"mirror.example.com", kOnion};
  CHECK_FALSE(leakmon::ValidateConfig(c).ok());
  c.sites[0].allow_clearnet = true;
  CHECK(leakmon::ValidateConfig(c).ok());
}

TEST_CASE("With launch = true the proxy is not used, and test-network torrc lines pass") {
  leakmon::Config c = Valid();
  c.tor.launch = true;
  c.tor.proxy = "ignored";
  c.tor.extra_torrc = {"TestingTorNetwork 1", "DirAuthority auth1 orport=5001 v3ident=AA 127.0.0.1:7001 BB"};
  CHECK(leakmon::ValidateConfig(c).ok());
  c.tor.launch = false;
  c.tor.control = "unix:/run/tor/control";
  CHECK_FALSE(leakmon::ValidateConfig(c).ok());  // the proxy matters again
  c.tor.proxy = "socks5h://127.0.0.1:9050";
  CHECK(leakmon::ValidateConfig(c).ok());
}

TEST_CASE("Validation names the key and the problem") {
  using Mutate = void (*)(leakmon::Config&);
  struct Case {
    Mutate mutate;
    std::string message;
  };
  auto c = GENERATE(values<Case>({
      {[](leakmon::Config& x) { x.tor.proxy = "socks5://127.0.0.1:9050"; },
       "f.toml: tor.proxy: must start with socks5h:// so that onion names are resolved by Tor, not locally"},
      {[](leakmon::Config& x) { x.tor.proxy = "http://127.0.0.1:8080"; },
       "f.toml: tor.proxy: must start with socks5h:// so that onion names are resolved by Tor, not locally"},
      {[](leakmon::Config& x) { x.sites[0].items = "(unclosed"; },
       "f.toml: site[0].items: pattern does not compile: missing ): (unclosed"},
      {[](leakmon::Config& x) { x.sites[0].follow = "[z-a]"; },
       "f.toml: site[0].follow: pattern does not compile: invalid character class range: z-a"},
      {[](leakmon::Config& x) { x.sites[0].start = {"http://example.com/latest"}; },
       "f.toml: site[0].start: \"http://example.com/latest\" is not on a v3 .onion host (set allow_clearnet = "
       "true to crawl it, through Tor)"},
      {[](leakmon::Config& x) { x.sites[0].extra_hosts = {"mirror.example.com"}; },
       "f.toml: site[0].extra_hosts: \"mirror.example.com\" is not a v3 .onion host (set allow_clearnet = true to "
       "allow it, through Tor)"},
      {[](leakmon::Config& x) { x.sites[0].extra_hosts = {"http://x.onion/"}; },
       "f.toml: site[0].extra_hosts: \"http://x.onion/\" is not a lowercase host name"},
      {[](leakmon::Config& x) { x.sites[0].raw_match = "/paste/(["; x.sites[0].raw_replace = "/raw/\\1"; },
       "f.toml: site[0].raw.match: pattern does not compile: missing ]: ["},
      {[](leakmon::Config& x) { x.sites[0].raw_match = "/paste/(x)"; x.sites[0].raw_replace = "/raw/\\2"; },
       "f.toml: site[0].raw.replace: Rewrite schema requests 2 matches, but the regexp only has 1 parenthesized "
       "subexpressions."},
      {[](leakmon::Config& x) { x.sites[0].start = {"ftp://" + kOnion + "/"}; },
       "f.toml: site[0].start: \"ftp://" + kOnion + "/\": only http and https are allowed"},
      {[](leakmon::Config& x) { x.sites.push_back(x.sites[0]); },
       "f.toml: site[1].name: duplicate site name \"a\""},
      {[](leakmon::Config& x) { x.sites.clear(); }, "f.toml: site: no [[site]] configured; nothing to crawl"},
      {[](leakmon::Config& x) { x.tor.control = "localhost"; }, "f.toml: tor.control: expected host:port or unix:/path"},
      {[](leakmon::Config& x) { x.tor.control = "127.0.0.1:99999"; },
       "f.toml: tor.control: \"127.0.0.1:99999\": expected host:port with a port from 1 to 65535"},
      {[](leakmon::Config& x) { x.tor.control = "unix:relative"; }, "f.toml: tor.control: expected unix:/absolute/path"},
      {[](leakmon::Config& x) { x.tor.launch = true; x.tor.extra_torrc = {"SocksPort 9050"}; },
       "f.toml: tor.extra_torrc[0]: leakmon sets SocksPort itself"},
      {[](leakmon::Config& x) { x.tor.launch = true; x.tor.extra_torrc = {"Log notice stdout", "A 1\nB 2"}; },
       "f.toml: tor.extra_torrc[1]: one torrc option per entry, without line breaks"},
      {[](leakmon::Config& x) { x.tor.launch = true; x.tor.tor_binary = ""; }, "f.toml: tor.tor_binary: must not be empty"},
      {[](leakmon::Config& x) { x.matcher.default_region = "fin"; },
       "f.toml: matcher.default_region: expected a two-letter ISO 3166 region such as \"FI\""},
      {[](leakmon::Config& x) { x.matcher.default_region = "fi"; },
       "f.toml: matcher.default_region: expected a two-letter ISO 3166 region such as \"FI\""},
  }));
  leakmon::Config cfg = Valid();
  c.mutate(cfg);
  leakmon::Status s = leakmon::ValidateConfig(cfg);
  CHECK(s.code() == leakmon::Status::Code::kInvalidArgument);
  CHECK(s.message() == c.message);
}

TEST_CASE("v3 onion host syntax") {
  CHECK(leakmon::IsV3OnionHost(kOnion));
  CHECK(leakmon::IsV3OnionHost("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWX.ONION"));
  CHECK_FALSE(leakmon::IsV3OnionHost("abc.onion"));                  // v2-length and shorter
  CHECK_FALSE(leakmon::IsV3OnionHost(kOnion.substr(1)));             // 55 chars
  CHECK_FALSE(leakmon::IsV3OnionHost("0bcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion"));  // 0 not base32
  CHECK_FALSE(leakmon::IsV3OnionHost("abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion.evil.com"));
}

TEST_CASE("The shipped example config loads and validates") {
  auto c = leakmon::LoadConfigFile(LEAKMON_SOURCE_DIR "/config/examples/leakmon.toml");
  REQUIRE(c.ok());
  CHECK(leakmon::ValidateConfig(*c).ok());
  CHECK(c->sites.size() == 1);
}
