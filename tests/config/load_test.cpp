#include "config/load.h"

#include <catch2/catch.hpp>

using leakmon::ParseConfig;

namespace {
const char* kMinimal = R"(
[[site]]
name = "s"
start = ["http://abc.onion/latest"]
items = "/paste/"
)";
}  // namespace

TEST_CASE("Defaults fill every key that is not given") {
  auto c = ParseConfig(kMinimal, "/etc/leakmon/leakmon.toml");
  REQUIRE(c.ok());
  CHECK(c->tor.proxy == "socks5h://127.0.0.1:9050");
  CHECK(c->tor.isolate_sites);
  CHECK_FALSE(c->tor.launch);
  CHECK(c->tor.tor_binary == "tor");  // a bare name: looked up in PATH
  CHECK(c->tor.control.empty());
  CHECK(c->tor.bootstrap_timeout_seconds == 120);
  CHECK(c->storage.database == "/etc/leakmon/leakmon.db");
  CHECK(c->identifiers.file == "/etc/leakmon/identifiers.lmids");
  CHECK(c->identifiers.key_file == "/etc/leakmon/leakmon.key");
  REQUIRE(c->sites.size() == 1);
  CHECK(c->sites[0].max_pages == 200);
  CHECK(c->sites[0].follow.empty());
  CHECK(c->crawl.connect_timeout_seconds == 90);
  CHECK(c->matcher.default_region == "FI");
  CHECK(c->matcher.high_min_refs == 3);
  CHECK(c->matcher.record_min_kinds == 2);
}

TEST_CASE("Every documented key is read") {
  auto c = ParseConfig(R"(
[tor]
proxy = "socks5h://10.0.0.1:9150"
isolate_sites = false
launch = true
tor_binary = "bin/tor"
extra_torrc = ["TestingTorNetwork 1", "DirAuthority x"]
control = "127.0.0.1:9051"
bootstrap_timeout_seconds = 30
[storage]
database = "/var/lib/leakmon/db.sqlite"
[identifiers]
file = "ids.csv"
key_file = "k.key"
[crawl]
user_agent = "UA"
concurrency = 32
connect_timeout_seconds = 60
request_timeout_seconds = 120
low_speed_bytes_per_second = 100
low_speed_seconds = 30
max_attempts = 4
retry_base_ms = 500
retry_max_ms = 9000
max_redirects = 2
max_body_bytes = 2048
max_buffered_bytes = 65536
max_text_bytes = 4096
max_links_per_page = 10
max_html_depth = 50
max_html_bytes = 4096
site_backoff_minutes = 15
site_backoff_max_hours = 6
item_retry_runs = 5
adapter_broken_runs = 2
stop_grace_seconds = 3
[matcher]
default_region = "SE"
high_min_refs = 10
record_min_kinds = 3
[[site]]
name = "a"
start = ["http://abc.onion/latest", "http://abc.onion/new"]
follow = "/latest\\?page=[0-9]+$"
items = "/paste/[a-z]+$"
max_pages = 7
raw = { match = "/paste/([a-z]+)$", replace = "/raw/\\1" }
concurrency = 2
delay_ms = 250
extra_hosts = ["mirror.onion"]
allow_clearnet = true
recheck_hours = 24
)",
                       "conf/leakmon.toml");
  REQUIRE(c.ok());
  CHECK(c->tor.proxy == "socks5h://10.0.0.1:9150");
  CHECK_FALSE(c->tor.isolate_sites);
  CHECK(c->tor.launch);
  CHECK(c->tor.tor_binary == "conf/bin/tor");
  CHECK(c->tor.extra_torrc == std::vector<std::string>{"TestingTorNetwork 1", "DirAuthority x"});
  CHECK(c->tor.control == "127.0.0.1:9051");
  CHECK(c->tor.bootstrap_timeout_seconds == 30);
  CHECK(c->storage.database == "/var/lib/leakmon/db.sqlite");
  CHECK(c->identifiers.file == "conf/ids.csv");
  CHECK(c->crawl.user_agent == "UA");
  CHECK(c->crawl.max_links_per_page == 10);
  CHECK(c->crawl.max_html_depth == 50);
  const leakmon::CrawlOptions& k = c->crawl;
  CHECK((k.concurrency == 32 && k.low_speed_bytes_per_second == 100 && k.low_speed_seconds == 30));
  CHECK((k.max_attempts == 4 && k.retry_base_ms == 500 && k.retry_max_ms == 9000 && k.max_redirects == 2));
  CHECK((k.max_buffered_bytes == 65536 && k.max_html_bytes == 4096));
  CHECK((k.site_backoff_minutes == 15 && k.site_backoff_max_hours == 6 && k.item_retry_runs == 5));
  CHECK((k.adapter_broken_runs == 2 && k.stop_grace_seconds == 3));
  const leakmon::SiteOptions& s = c->sites[0];
  CHECK(s.raw_match == "/paste/([a-z]+)$");
  CHECK(s.raw_replace == "/raw/\\1");
  CHECK((s.concurrency == 2 && s.delay_ms == 250 && s.allow_clearnet && s.recheck_hours == 24));
  CHECK(s.extra_hosts == std::vector<std::string>{"mirror.onion"});
  CHECK(c->sites[0].start.size() == 2);
  CHECK(c->sites[0].follow == "/latest\\?page=[0-9]+$");
  CHECK(c->sites[0].max_pages == 7);
  CHECK(c->matcher.default_region == "SE");
  CHECK(c->matcher.high_min_refs == 10);
  CHECK(c->matcher.record_min_kinds == 3);
}

TEST_CASE("Config errors name the file, line and key") {
  struct Case {
    std::string text;
    std::string message;
  };
  auto c = GENERATE(values<Case>({
      {"[tor]\nproxi = \"x\"\n", "f.toml:2: tor.proxi: unknown key"},
      {"bogus = 1\n", "f.toml:1: bogus: unknown key"},
      {"[tor]\nproxy = 9050\n", "f.toml:2: tor.proxy: expected a string"},
      {"[[site]]\nname = \"a\"\nstart = [\"http://a.onion/\"]\nitems = \"x\"\nmax_pages = \"ten\"\n",
       "f.toml:5: site[0].max_pages: expected an integer"},
      {"[[site]]\nname = \"a\"\nstart = [\"http://a.onion/\"]\nitems = \"x\"\nmax_pages = 0\n",
       "f.toml:5: site[0].max_pages: must be between 1 and 1000000"},
      {"[[site]]\nname = \"a\"\nitems = \"x\"\n", "f.toml:1: site[0].start: required key is missing"},
      {"[[site]]\nname = \"a\"\nstart = [1]\nitems = \"x\"\n", "f.toml:3: site[0].start: expected an array of strings"},
      {"tor = 1\n", "f.toml:1: tor: expected a table"},
      {"[matcher]\nrecord_min_kinds = 1\n", "f.toml:2: matcher.record_min_kinds: must be between 2 and 6"},
      {"[matcher]\nregion = \"FI\"\n", "f.toml:2: matcher.region: unknown key"},
      {"[crawl]\nmax_body_bytes = 1\n", "f.toml:2: crawl.max_body_bytes: must be between 1024 and 1099511627776"},
  }));
  auto r = ParseConfig(c.text, "f.toml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == leakmon::Status::Code::kInvalidArgument);
  CHECK(r.status().message() == c.message);
}

TEST_CASE("TOML syntax errors carry the line") {
  auto r = ParseConfig("[tor]\nproxy = \"unterminated\n", "f.toml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().rfind("f.toml:2: ", 0) == 0);
}

TEST_CASE("Config size is bounded") {
  std::string big = "# " + std::string(leakmon::kMaxConfigBytes, 'x') + "\n";
  auto r = ParseConfig(big, "f.toml");
  CHECK(r.status().code() == leakmon::Status::Code::kLimitExceeded);
}

TEST_CASE("A missing config file is reported with its path") {
  auto r = leakmon::LoadConfigFile("/nonexistent/leakmon.toml");
  CHECK(r.status().code() == leakmon::Status::Code::kNotFound);
  CHECK(r.status().message().find("/nonexistent/leakmon.toml") != std::string::npos);
}

TEST_CASE("A config file is ASCII, other characters are written as escapes in double-quoted strings") {
  // toml++ 3.3 meets undefined behaviour on some non-ASCII text (config/load.cpp).
  struct Case {
    std::string toml;
    std::string error;  // empty: parses
  };
  const std::string msg = ": non-ASCII character; a config file must be ASCII: write other characters as "
                          "\\uXXXX escapes in a double-quoted string";
  auto c = GENERATE_COPY(values<Case>({
      {"[[site]]\nname = \"p\\u00e4\\u00e4sivu\"\nstart = ['http://abc.onion/']\nitems = \"x\"\nfollow = \"y\"\n", ""},
      {"# k\xc3\xa4ytt\xc3\xa4j\xc3\xa4\n", "leakmon.toml:1" + msg},
      {"[[site]]\nname = \"p\xc3\xa4\"\n", "leakmon.toml:2" + msg},
      {"ä = 1\n", "leakmon.toml:1" + msg},
      {"[tor]\n\xc2\xa7proxy = \"x\"\n", "leakmon.toml:2" + msg},
      {"\xcc\xaa", "leakmon.toml:1" + msg},
      {"s = \"\"\"\\\n\xc2\xa7\"\"\"\n", "leakmon.toml:2" + msg},
      {"a = 1\"\"\"05\xd1\x9a\n", "leakmon.toml:1" + msg},
      {"xy =[[[92\"|||[[\"\"\"\"\xcf\x90]\nx = 19\"]\n", "leakmon.toml:1" + msg},
      {"\xef\xbb\xbf[tor]\n", "leakmon.toml:1" + msg},
  }));
  auto r = ParseConfig(c.toml, "leakmon.toml");
  if (c.error.empty()) {
    INFO(r.status().message());
    CHECK(r.ok());
  } else {
    CHECK(r.status().message() == c.error);
  }
}
