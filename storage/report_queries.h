// Read-only queries for exports and dashboards (report/exports.h): site
// health, each site's up/down history, and the last run. Reads only what
// storage holds (no page text exists to read). Not thread-safe; uses the
// caller's Database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/sqlite.h"

namespace leakmon {

struct SiteHealth {
  std::string name;
  std::optional<std::int64_t> last_run_at;
  std::optional<std::int64_t> last_success_at;
  std::int64_t consecutive_failures = 0;
  std::string last_error;
  std::optional<bool> up;          // of the site's latest run that was not skipped; none before any
  std::int64_t pages_fetched = 0;  // over all runs
};

struct SiteRunPoint {
  std::string site;
  std::int64_t at = 0;  // the run's start
  bool up = false;
};

struct RunSummary {
  std::int64_t id = 0;
  std::int64_t started_at = 0;
  std::optional<std::int64_t> finished_at;
  std::optional<std::int64_t> exit_code;  // none while running or after a crash
};

// Every known site, by name.
Result<std::vector<SiteHealth>> ListSiteHealth(Database& db);
// Per-site run results since `since` (unix seconds), oldest first.
Result<std::vector<SiteRunPoint>> ListSiteHistory(Database& db, std::int64_t since);
// The most recent run that finished; none when no run has finished.
Result<std::optional<RunSummary>> LastFinishedRun(Database& db);

}  // namespace leakmon
