// Sites rendered for people and programs: `leakmon sites`.
//
// One row per site: status (up, down, or "never" before its first run), last
// run and last success, consecutive failures, pages fetched, findings (after
// the command's filters) and the last error. Pure functions of their input;
// names and errors are made printable for terminals.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/report_queries.h"

namespace leakmon {

struct SiteRow {
  SiteHealth health;
  std::int64_t findings = 0;
  std::int64_t critical = 0;
};

// Aligned table; status and critical counts coloured when `colour` is set.
std::string FormatSitesTable(const std::vector<SiteRow>& rows, bool colour);
// RFC 4180 CSV: site,status,last_run,last_success,consecutive_failures,pages_fetched,findings,critical,last_error
std::string FormatSitesCsv(const std::vector<SiteRow>& rows);
// A JSON array of site objects with the CSV's fields (times RFC 3339 or null).
std::string FormatSitesJson(const std::vector<SiteRow>& rows);

}  // namespace leakmon
