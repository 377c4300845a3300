// A working directory ready for `leakmon crawl` against a fixture site: the
// config, the people list, a key and the identifier file hashed from it.
// Runs the real binary there and reads back what it stored.
#pragma once

#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "tests/support/leakmon_cli.h"

namespace leakmon::testing {

// (url, kind, ref, hash, count) of one stored finding.
using FindingKey = std::tuple<std::string, std::string, std::string, std::string, long long>;

class CrawlDir {
 public:
  // Writes leakmon.toml and people.csv, then runs keygen (or writes
  // `key_text` as leakmon.key, mode 0600) and hash-ids. Throws on failure.
  CrawlDir(const std::string& config_toml, const std::string& people_csv, const std::string& key_text = "");

  const TempDir& dir() const { return dir_; }
  std::string path() const { return dir_.path(); }
  std::string File(const std::string& name) const { return dir_.File(name); }
  std::string KeyText() const { return TempDir::Read(dir_.File("leakmon.key")); }

  // `leakmon <args...>` in the directory.
  ProcessResult Run(const std::vector<std::string>& args, ProcessOptions options = {}) const;
  // Every stored finding, via `leakmon findings --format json`.
  std::set<FindingKey> Findings() const;

 private:
  TempDir dir_;
};

// "ok" when `PRAGMA integrity_check` passes and `PRAGMA foreign_key_check`
// finds nothing; otherwise what they reported.
std::string CheckDatabase(const std::string& path);

}  // namespace leakmon::testing
