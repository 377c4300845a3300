// leakmon's configuration as plain structs, with every default stated.
//
// The TOML key names are the contract (README "Configuration reference").
// Later features add keys; they never rename these. Loading (load.h) fills
// these structs from TOML; validation (validate.h) checks them. Paths are
// already resolved relative to the config file when a Config leaves Load.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace leakmon {

struct TorOptions {
  // SOCKS proxy every crawl request goes through. Must be socks5h:// so that
  // onion names are resolved by Tor, never locally. There is no direct mode.
  // Ignored when `launch` is true: the private tor's SOCKS port is used.
  std::string proxy = "socks5h://127.0.0.1:9050";
  // A distinct SOCKS username/password per site, so that Tor (whose SocksPort
  // has IsolateSOCKSAuth on by default) builds separate circuits per site.
  bool isolate_sites = true;
  // Start a private tor process for the run instead of using `proxy`:
  // temporary DataDirectory, SocksPort auto, cookie-authenticated
  // ControlPort; stopped when leakmon exits.
  bool launch = false;
  // The tor program `launch` starts; a bare name is looked up in PATH.
  std::string tor_binary = "tor";
  // Extra torrc lines for the launched tor (e.g. a test network's
  // "TestingTorNetwork 1", "DirAuthority ..."). One option per entry.
  std::vector<std::string> extra_torrc;
  // Control port of an external tor ("127.0.0.1:9051" or
  // "unix:/run/tor/control"), used to check bootstrap before crawling.
  // Empty (the default): no check. Ignored when `launch` is true.
  std::string control;
  // Seconds to wait for tor to report bootstrap 100% (launched tor, or an
  // external tor with `control`) before giving up with exit code 1.
  std::int64_t bootstrap_timeout_seconds = 120;
};

struct StorageOptions {
  // SQLite database file; relative to the config file.
  std::string database = "leakmon.db";
};

struct IdentifierOptions {
  // Identifier file written by `leakmon hash-ids`; relative to the config file.
  std::string file = "identifiers.lmids";
  // Secret key written by `leakmon keygen`; relative to the config file.
  std::string key_file = "leakmon.key";
};

struct CrawlOptions {
  // User-Agent sent with every request: Tor Browser's, to blend in.
  std::string user_agent = "Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0";
  // Fetches in flight at once, all sites together.
  std::int64_t concurrency = 16;
  // Seconds to wait for the proxy to connect to the site. Tor's own SOCKS
  // timeout is 120 s; onion circuits often take 30-60 s.
  std::int64_t connect_timeout_seconds = 90;
  // Seconds one request may take in total, connection included.
  std::int64_t request_timeout_seconds = 180;
  // A transfer slower than this many bytes per second...
  std::int64_t low_speed_bytes_per_second = 512;
  // ...for this many seconds is aborted (a slow drip).
  std::int64_t low_speed_seconds = 60;
  // Attempts per page within a run for transient errors (timeouts, Tor
  // circuit failures, HTTP 429/5xx), the first included.
  std::int64_t max_attempts = 3;
  // Delay before the first retry; doubled for each further one, with jitter.
  std::int64_t retry_base_ms = 2000;
  // Cap on the retry delay.
  std::int64_t retry_max_ms = 60000;
  // Redirect hops followed per page (at most 5); each must stay on the site.
  std::int64_t max_redirects = 5;
  // Bytes of (decoded) body kept per response; larger bodies are an error.
  // Bytes received (compressed) are capped at the same value.
  std::int64_t max_body_bytes = 8 * 1024 * 1024;
  // Response bodies held in memory at once across all fetches in flight;
  // fetches beyond it are paused until memory is free.
  std::int64_t max_buffered_bytes = 32 * 1024 * 1024;
  // Bytes of text extracted from one page; the rest is not scanned.
  std::int64_t max_text_bytes = 8 * 1024 * 1024;
  // Links taken from one page; the rest are ignored.
  std::int64_t max_links_per_page = 5000;
  // HTML nested deeper than this is read without gumbo (quadratic in depth).
  std::int64_t max_html_depth = 400;
  // HTML larger than this is read without gumbo (22 bytes of tree per byte).
  std::int64_t max_html_bytes = 2 * 1024 * 1024;
  // A site down in consecutive runs is skipped: after 2 failed runs for
  // this many minutes, doubling with each further failed run...
  std::int64_t site_backoff_minutes = 60;
  // ...up to this many hours.
  std::int64_t site_backoff_max_hours = 24;
  // Runs in which a failing item is tried before it is given up.
  std::int64_t item_retry_runs = 3;
  // Runs in a row in which a listing that used to yield items yields none
  // before the site is reported as "adapter broken?".
  std::int64_t adapter_broken_runs = 3;
  // Seconds fetches in flight may still take after a stop (SIGTERM, SIGINT,
  // --max-runtime) before they are cancelled.
  std::int64_t stop_grace_seconds = 15;
};

struct MatcherOptions {
  // ISO 3166 region for phone numbers written without a country code:
  // "040 123 4567" is read as +358 40 123 4567 with "FI".
  std::string default_region = "FI";
  // Distinct refs on one page from which every finding there is at least
  // high severity (a bulk leak). README "Severity".
  std::int64_t high_min_refs = 3;
  // Distinct person kinds of one ref on one page that make a record match
  // (critical).
  std::int64_t record_min_kinds = 2;
};

struct SiteOptions {
  // Name shown in summaries and stored with findings. Unique, required.
  std::string name;
  // Listing pages, fetched on every run. At least one, required.
  std::vector<std::string> start;
  // RE2, searched in absolute link URLs: further listing pages to fetch.
  // Empty (the default) follows no listing links.
  std::string follow;
  // RE2, searched in absolute link URLs: item pages (pastes), each fetched
  // once and scanned. Required.
  std::string items;
  // Pages fetched per site per run, listings and items together.
  std::int64_t max_pages = 200;
  // `raw = { match = "...", replace = "..." }`: an item URL matching
  // raw_match (RE2) is fetched as its rewrite raw_replace (\\1 for groups),
  // e.g. the plain-text variant of a paste. Empty: fetch the item URL.
  std::string raw_match;
  std::string raw_replace;
  // Fetches in flight for this site at once.
  std::int64_t concurrency = 4;
  // Milliseconds between the starts of two requests to this site.
  std::int64_t delay_ms = 0;
  // Hosts besides the start URLs' that links and redirects may go to
  // (mirrors). Clearnet hosts need allow_clearnet.
  std::vector<std::string> extra_hosts;
  // Allow start URLs and extra hosts off .onion. They still go through Tor.
  bool allow_clearnet = false;
  // Hours after which an item fetched before is fetched again (with
  // If-None-Match / If-Modified-Since; unchanged content is not rescanned).
  // 0: never; an item is fetched once.
  std::int64_t recheck_hours = 0;
};

// One alert channel, [[alert]] (report/alert_channel.h). Alert traffic goes
// to the organization's own endpoints directly, never through Tor, unless
// `proxy` names a corporate egress proxy. Secrets (SMTP passwords, webhook
// URLs with tokens) are read from a file or an environment variable, never
// from the config text.
struct AlertOptions {
  // Name in the outbox, `leakmon alerts` and messages. Unique, required.
  std::string name;
  // "webhook", "email" or "command". Required.
  std::string type;
  // Lowest severity sent: "low", "high" or "critical" (matcher/severity.h).
  std::string min_severity = "low";
  // true: all alerts due in a run go out as one message per channel.
  bool digest = false;
  // Seconds before retrying a failed send; doubles with each failed attempt.
  std::int64_t retry_initial_seconds = 300;
  // Upper bound of the retry delay. Failed alerts are retried until sent.
  std::int64_t retry_max_seconds = 6 * 3600;
  // Seconds one send may take (connect, TLS, transfer; or the command's run).
  std::int64_t timeout_seconds = 30;
  // webhook/email: proxy URL for corporate egress (http://, https://,
  // socks5h://); empty: a direct connection. Environment proxies are ignored.
  std::string proxy;
  // webhook: payload style, "generic", "slack" or "teams".
  std::string style = "generic";
  // webhook: the URL; or url_file / url_env when it holds a token. Exactly one.
  std::string url;
  std::string url_file;
  std::string url_env;
  // email: smtp://host:port (STARTTLS) or smtps://host:port (implicit TLS).
  std::string smtp_url;
  // email: "starttls" (required, the default), "smtps" (with smtps://) or
  // "none" (plain SMTP, for a relay on localhost only).
  std::string tls = "starttls";
  // email: login name; the password comes from password_file or password_env.
  std::string username;
  std::string password_file;
  std::string password_env;
  // email: envelope and header From, and the recipients (at least one).
  std::string from;
  std::vector<std::string> to;
  // webhook/email: PEM file of CA certificates to trust instead of the system's.
  std::string ca_file;
  // command: program and arguments (no shell); the alert JSON is its stdin.
  std::vector<std::string> command;
};

// Exports and dashboards (report/).
struct ReportOptions {
  // The organization's name: the STIX identity that sighted the leaks, and
  // the dashboard's title.
  std::string organization = "leakmon";
};

struct Config {
  std::string path;  // the file this was loaded from
  TorOptions tor;
  StorageOptions storage;
  IdentifierOptions identifiers;
  CrawlOptions crawl;
  MatcherOptions matcher;
  std::vector<SiteOptions> sites;
  std::vector<AlertOptions> alerts;
  ReportOptions report;
};

}  // namespace leakmon
