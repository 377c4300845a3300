#include "tests/support/crawl_dir.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "tests/support/sqlite_query.h"

namespace leakmon::testing {

CrawlDir::CrawlDir(const std::string& config_toml, const std::string& people_csv, const std::string& key_text) {
  dir_.Write("leakmon.toml", config_toml);
  dir_.Write("people.csv", people_csv);
  if (key_text.empty()) {
    ProcessResult k = Run({"keygen", "--out", "leakmon.key"});
    if (k.exit_code != 0) throw std::runtime_error("keygen failed: " + k.err);
  } else {
    dir_.Write("leakmon.key", key_text, 0600);
  }
  ProcessResult h = Run({"hash-ids", "--key", "leakmon.key", "--in", "people.csv", "--out", "identifiers.lmids"});
  if (h.exit_code != 0) throw std::runtime_error("hash-ids failed: " + h.err);
}

ProcessResult CrawlDir::Run(const std::vector<std::string>& args, ProcessOptions options) const {
  return Leakmon(args, dir_.path(), std::move(options));
}

std::set<FindingKey> CrawlDir::Findings() const {
  ProcessResult r = Run({"findings", "--config", "leakmon.toml", "--format", "json"});
  if (r.exit_code != 0) throw std::runtime_error("findings failed: " + r.err);
  std::set<FindingKey> out;
  for (const auto& f : nlohmann::json::parse(r.out)) {
    out.emplace(f["url"], f["kind"], f["ref"], f["hash"], f["count"].get<long long>());
  }
  return out;
}

std::string CheckDatabase(const std::string& path) {
  std::string report;
  std::vector<std::vector<std::string>> integrity = Query(path, "PRAGMA integrity_check");
  if (integrity != std::vector<std::vector<std::string>>{{"ok"}}) {
    report += "PRAGMA integrity_check:";
    for (const auto& row : integrity) report += " " + row[0];
    if (integrity.empty()) report += " (no answer: cannot open " + path + ")";
    report += "\n";
  }
  for (const auto& row : Query(path, "PRAGMA foreign_key_check")) report += "PRAGMA foreign_key_check: " + row[0] + "\n";
  return report.empty() ? "ok" : report;
}

}  // namespace leakmon::testing
