#include "config/load.h"

#include <set>

#include "common/files.h"

// toml++ is used header-only with exceptions off, so parse errors come back
// as values like every other error in leakmon.
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>

namespace leakmon {
namespace {

// toml++ 3.3 (Debian 12) reaches __builtin_unreachable(), undefined
// behaviour, when its whitespace test meets some non-ASCII characters
// (upstream issues #190 and #295, fixed after 3.4). Fuzzing (fuzz/
// config_fuzzer) found it outside strings, after backslashes, after quotes
// glued to tokens and inside nested arrays: every attempt to allow
// non-ASCII text only where toml++ is safe was beaten by the next input. So
// a config file is ASCII: the first byte >= 0x80 is an error naming its
// line. Other characters are written as \uXXXX escapes in double-quoted
// strings, which toml++ decodes after the parse.
Status CheckAscii(std::string_view text, const std::string& path) {
  std::size_t line = 1;
  for (char c : text) {
    if (c == '\n') ++line;
    if (static_cast<unsigned char>(c) >= 0x80) {
      return Status::InvalidArgument(path + ":" + std::to_string(line) +
                                     ": non-ASCII character; a config file must be ASCII: write other characters as "
                                     "\\uXXXX escapes in a double-quoted string");
    }
  }
  return Status::Ok();
}

// Reads the keys of one TOML table into option fields, remembering which
// keys it was asked for so that Finish() can reject unknown ones. The first
// error sticks; later reads are no-ops.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string file, std::string prefix, Status* error)
      : table_(table), file_(std::move(file)), prefix_(std::move(prefix)), error_(error) {}

  void String(const char* key, std::string* out) {
    const toml::node* n = Lookup(key);
    if (!n) return;
    if (auto v = n->value<std::string>()) {
      *out = *v;
    } else {
      Fail(*n, key, "expected a string");
    }
  }

  void Int(const char* key, std::int64_t* out, std::int64_t min, std::int64_t max) {
    const toml::node* n = Lookup(key);
    if (!n) return;
    if (!n->is_integer()) return Fail(*n, key, "expected an integer");
    std::int64_t v = *n->value<std::int64_t>();
    if (v < min || v > max) {
      return Fail(*n, key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    *out = v;
  }

  void Bool(const char* key, bool* out) {
    const toml::node* n = Lookup(key);
    if (!n) return;
    if (!n->is_boolean()) return Fail(*n, key, "expected true or false");
    *out = *n->value<bool>();
  }

  void StringList(const char* key, std::vector<std::string>* out) {
    const toml::node* n = Lookup(key);
    if (!n) return;
    const toml::array* arr = n->as_array();
    if (!arr) return Fail(*n, key, "expected an array of strings");
    out->clear();
    for (const toml::node& e : *arr) {
      auto v = e.value<std::string>();
      if (!v) return Fail(e, key, "expected an array of strings");
      out->push_back(*v);
    }
  }

  // Marks `key` as known and returns its table, or null if absent or not a table.
  const toml::table* Table(const char* key) {
    const toml::node* n = Lookup(key);
    if (!n) return nullptr;
    if (!n->is_table()) {
      Fail(*n, key, "expected a table");
      return nullptr;
    }
    return n->as_table();
  }

  const toml::array* ArrayOfTables(const char* key) {
    const toml::node* n = Lookup(key);
    if (!n) return nullptr;
    const toml::array* arr = n->as_array();
    if (!arr || !arr->is_array_of_tables()) {
      Fail(*n, key, std::string("expected [[") + key + "]] tables");
      return nullptr;
    }
    return arr;
  }

  void Require(const char* key) {
    known_.insert(key);
    if (error_->ok() && !table_.contains(key)) {
      *error_ = Status::InvalidArgument(Where(table_) + Name(key) + ": required key is missing");
    }
  }

  // Rejects every key that no reader call asked for.
  void Finish() {
    for (const auto& [k, v] : table_) {
      if (!error_->ok()) return;
      std::string key(k.str());
      if (known_.count(key) == 0) {
        *error_ = Status::InvalidArgument(Where(v) + Name(key) + ": unknown key");
      }
    }
  }

 private:
  const toml::node* Lookup(const char* key) {
    known_.insert(key);
    if (!error_->ok()) return nullptr;
    return table_.get(key);
  }

  std::string Name(const std::string& key) const {
    return prefix_.empty() ? key : prefix_ + "." + key;
  }

  std::string Where(const toml::node& n) const {
    const auto& src = n.source();
    if (src.begin.line == 0) return file_ + ": ";
    return file_ + ":" + std::to_string(src.begin.line) + ": ";
  }

  void Fail(const toml::node& n, const std::string& key, const std::string& what) {
    if (error_->ok()) *error_ = Status::InvalidArgument(Where(n) + Name(key) + ": " + what);
  }

  const toml::table& table_;
  std::string file_;
  std::string prefix_;
  Status* error_;
  std::set<std::string> known_;
};

constexpr std::int64_t kMaxInt = std::int64_t{1} << 40;

void ReadSite(const toml::table& t, const std::string& file, std::size_t index, SiteOptions* site,
              Status* error) {
  TableReader r(t, file, "site[" + std::to_string(index) + "]", error);
  r.Require("name");
  r.String("name", &site->name);
  r.Require("start");
  r.StringList("start", &site->start);
  r.String("follow", &site->follow);
  r.Require("items");
  r.String("items", &site->items);
  r.Int("max_pages", &site->max_pages, 1, 1000000);
  if (const toml::table* raw = r.Table("raw")) {
    TableReader rr(*raw, file, "site[" + std::to_string(index) + "].raw", error);
    rr.Require("match");
    rr.String("match", &site->raw_match);
    rr.Require("replace");
    rr.String("replace", &site->raw_replace);
    rr.Finish();
  }
  r.Int("concurrency", &site->concurrency, 1, 64);
  r.Int("delay_ms", &site->delay_ms, 0, 3600000);
  r.StringList("extra_hosts", &site->extra_hosts);
  r.Bool("allow_clearnet", &site->allow_clearnet);
  r.Int("recheck_hours", &site->recheck_hours, 0, 100000);
  r.Finish();
}

void ReadAlert(const toml::table& t, const std::string& file, std::size_t index, AlertOptions* a, Status* error) {
  const std::string prefix = "alert[" + std::to_string(index) + "]";
  for (const char* secret : {"password", "smtp_password", "token"}) {
    if (t.contains(secret) && error->ok()) {
      *error = Status::InvalidArgument(file + ": " + prefix + "." + secret +
                                       ": secrets are never read from the config; use password_file or "
                                       "password_env (url_file or url_env for webhook tokens)");
    }
  }
  TableReader r(t, file, prefix, error);
  r.Require("name");
  r.String("name", &a->name);
  r.Require("type");
  r.String("type", &a->type);
  r.String("min_severity", &a->min_severity);
  r.Bool("digest", &a->digest);
  r.Int("retry_initial_seconds", &a->retry_initial_seconds, 0, 86400);
  r.Int("retry_max_seconds", &a->retry_max_seconds, 0, 30 * 86400);
  r.Int("timeout_seconds", &a->timeout_seconds, 1, 3600);
  r.String("proxy", &a->proxy);
  r.String("style", &a->style);
  r.String("url", &a->url);
  r.String("url_file", &a->url_file);
  r.String("url_env", &a->url_env);
  r.String("smtp_url", &a->smtp_url);
  r.String("tls", &a->tls);
  r.String("username", &a->username);
  r.String("password_file", &a->password_file);
  r.String("password_env", &a->password_env);
  r.String("from", &a->from);
  r.StringList("to", &a->to);
  r.String("ca_file", &a->ca_file);
  r.StringList("command", &a->command);
  r.Finish();
}

}  // namespace

Result<Config> ParseConfig(std::string_view text, const std::string& path) {
  if (text.size() > kMaxConfigBytes) {
    return Status::LimitExceeded(path + ": config is larger than " + std::to_string(kMaxConfigBytes) +
                                 " bytes");
  }
  LEAKMON_RETURN_IF_ERROR(CheckAscii(text, path));
  toml::parse_result parsed = toml::parse(text, path);
  if (!parsed) {
    const toml::parse_error& e = parsed.error();
    return Status::InvalidArgument(path + ":" + std::to_string(e.source().begin.line) + ": " +
                                   std::string(e.description()));
  }
  const toml::table& root = parsed.table();

  Config config;
  config.path = path;
  Status error;
  TableReader top(root, path, "", &error);

  if (const toml::table* t = top.Table("tor")) {
    TableReader r(*t, path, "tor", &error);
    TorOptions& tor = config.tor;
    r.String("proxy", &tor.proxy);
    r.Bool("isolate_sites", &tor.isolate_sites);
    r.Bool("launch", &tor.launch);
    r.String("tor_binary", &tor.tor_binary);
    r.StringList("extra_torrc", &tor.extra_torrc);
    r.String("control", &tor.control);
    r.Int("bootstrap_timeout_seconds", &tor.bootstrap_timeout_seconds, 1, 3600);
    r.Finish();
  }
  if (const toml::table* t = top.Table("storage")) {
    TableReader r(*t, path, "storage", &error);
    r.String("database", &config.storage.database);
    r.Finish();
  }
  if (const toml::table* t = top.Table("identifiers")) {
    TableReader r(*t, path, "identifiers", &error);
    r.String("file", &config.identifiers.file);
    r.String("key_file", &config.identifiers.key_file);
    r.Finish();
  }
  if (const toml::table* t = top.Table("crawl")) {
    TableReader r(*t, path, "crawl", &error);
    CrawlOptions& c = config.crawl;
    r.String("user_agent", &c.user_agent);
    r.Int("concurrency", &c.concurrency, 1, 256);
    r.Int("connect_timeout_seconds", &c.connect_timeout_seconds, 1, 3600);
    r.Int("request_timeout_seconds", &c.request_timeout_seconds, 1, 86400);
    r.Int("low_speed_bytes_per_second", &c.low_speed_bytes_per_second, 0, kMaxInt);
    r.Int("low_speed_seconds", &c.low_speed_seconds, 1, 3600);
    r.Int("max_attempts", &c.max_attempts, 1, 10);
    r.Int("retry_base_ms", &c.retry_base_ms, 0, 3600000);
    r.Int("retry_max_ms", &c.retry_max_ms, 0, 3600000);
    r.Int("max_redirects", &c.max_redirects, 0, 5);
    r.Int("max_body_bytes", &c.max_body_bytes, 1024, kMaxInt);
    r.Int("max_buffered_bytes", &c.max_buffered_bytes, 1024, kMaxInt);
    r.Int("max_text_bytes", &c.max_text_bytes, 1024, kMaxInt);
    r.Int("max_links_per_page", &c.max_links_per_page, 1, 10000000);
    r.Int("max_html_depth", &c.max_html_depth, 8, 100000);
    r.Int("max_html_bytes", &c.max_html_bytes, 1024, kMaxInt);
    r.Int("site_backoff_minutes", &c.site_backoff_minutes, 0, 100000);
    r.Int("site_backoff_max_hours", &c.site_backoff_max_hours, 0, 100000);
    r.Int("item_retry_runs", &c.item_retry_runs, 1, 1000);
    r.Int("adapter_broken_runs", &c.adapter_broken_runs, 1, 1000);
    r.Int("stop_grace_seconds", &c.stop_grace_seconds, 0, 3600);
    r.Finish();
  }
  if (const toml::table* t = top.Table("matcher")) {
    TableReader r(*t, path, "matcher", &error);
    MatcherOptions& m = config.matcher;
    r.String("default_region", &m.default_region);
    r.Int("high_min_refs", &m.high_min_refs, 1, 1000000);
    r.Int("record_min_kinds", &m.record_min_kinds, 2, 6);
    r.Finish();
  }
  if (const toml::array* sites = top.ArrayOfTables("site")) {
    std::size_t i = 0;
    for (const toml::node& n : *sites) {
      SiteOptions site;
      ReadSite(*n.as_table(), path, i++, &site, &error);
      config.sites.push_back(std::move(site));
    }
  }
  if (const toml::array* alerts = top.ArrayOfTables("alert")) {
    std::size_t i = 0;
    for (const toml::node& n : *alerts) {
      AlertOptions alert;
      ReadAlert(*n.as_table(), path, i++, &alert, &error);
      config.alerts.push_back(std::move(alert));
    }
  }
  if (const toml::table* t = top.Table("report")) {
    TableReader r(*t, path, "report", &error);
    r.String("organization", &config.report.organization);
    r.Finish();
  }
  top.Finish();
  if (!error.ok()) return error;
  for (AlertOptions& a : config.alerts) {
    for (std::string* p : {&a.url_file, &a.password_file, &a.ca_file}) {
      if (!p->empty()) *p = ResolveRelativeTo(path, *p);
    }
  }

  config.storage.database = ResolveRelativeTo(path, config.storage.database);
  config.identifiers.file = ResolveRelativeTo(path, config.identifiers.file);
  config.identifiers.key_file = ResolveRelativeTo(path, config.identifiers.key_file);
  // A bare program name is looked up in PATH; a path is relative to the config.
  if (config.tor.tor_binary.find('/') != std::string::npos) {
    config.tor.tor_binary = ResolveRelativeTo(path, config.tor.tor_binary);
  }
  return config;
}

Result<Config> LoadConfigFile(const std::string& path) {
  Result<std::string> text = ReadFileBounded(path, kMaxConfigBytes);
  if (!text.ok()) return text.status();
  return ParseConfig(*text, path);
}

}  // namespace leakmon
