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
  CHECK(c->identifiers.file == "/etc/leakmon/identifiers.csv");
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
connect_timeout_seconds = 60
request_timeout_seconds = 120
max_body_bytes = 2048
max_text_bytes = 4096
max_links_per_page = 10
max_html_depth = 50
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
