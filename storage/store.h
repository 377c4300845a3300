// Store: leakmon's record of sites, runs, pages and findings in SQLite.
//
// What is stored is exactly what DEVELOPERS.md allows: site names, URLs,
// times, HTTP statuses, content SHA-256, byte counts, error kinds and curl's
// error messages, and per finding the identifier's kind, keyed hash, opaque
// ref and a count. Callers never pass page text in, and no method takes any.
//
// Every write that belongs together is one transaction: a page and its
// findings commit together, so a run killed at any point leaves either
// both or neither. Not thread-safe; use one Store per thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/page_role.h"
#include "common/result.h"
#include "storage/sqlite.h"

namespace leakmon {

struct PageRecord {
  std::int64_t site_id = 0;
  std::string url;
  PageRole role = PageRole::kItem;
  std::int64_t fetched_at = 0;
  std::optional<std::int64_t> http_status;     // none when no response arrived
  std::optional<std::string> content_sha256;   // hex; none when no body was kept
  std::int64_t bytes = 0;
  std::string error_kind;  // empty when the fetch succeeded
  std::string error;       // human-readable; never page content
  // Matcher's assessment (matcher/severity.h); none for pages without findings.
  std::optional<std::string> severity;  // "low", "high", "critical"
  std::int64_t distinct_refs = 0;       // distinct refs among the findings
  std::int64_t record_refs = 0;         // refs that make a record match
};

struct FindingRecord {
  std::string kind;
  std::string hash;  // hex of the identifier's primary keyed hash
  std::string ref;
  std::int64_t count = 0;
  std::string severity = "low";   // "low", "high", "critical"
  std::string strength = "exact"; // "exact", or "folded" (weaker variant only)
  bool record = false;            // its ref makes a record match on the page
};

struct RunTotals {
  std::int64_t pages = 0;
  std::int64_t bytes = 0;
  std::int64_t errors = 0;
  std::int64_t new_findings = 0;
};

struct SiteRunTotals {
  std::int64_t pages = 0;
  std::int64_t errors = 0;
  std::int64_t new_findings = 0;
  std::int64_t item_links = 0;  // item links the listings yielded
  bool up = false;              // at least one listing fetched successfully
  std::string last_error;       // when !up
};

struct FindingRow {
  std::int64_t id = 0;
  std::string site;
  std::string url;
  std::string kind;
  std::string ref;
  std::string hash;
  std::int64_t count = 0;
  std::int64_t first_seen_at = 0;
  std::int64_t last_seen_at = 0;
  std::string content_sha256;
  std::string severity;                    // the finding's
  std::string strength;
  bool record = false;
  std::optional<std::string> page_severity;  // the page's, as last fetched
  std::int64_t page_distinct_refs = 0;
  std::int64_t page_record_refs = 0;
};

struct FindingFilter {
  std::optional<std::int64_t> since;  // first_seen_at >= since
  std::optional<std::string> site;
  std::vector<std::string> severities;  // any of these; empty: all
};

class Store {
 public:
  // Opens or creates the database and migrates it (schema.h).
  static Result<Store> Open(const std::string& path);

  Result<std::int64_t> BeginRun(std::int64_t now);
  Status FinishRun(std::int64_t run_id, const RunTotals& totals, int exit_code, std::int64_t now);

  // The id of the site named `name`, created if new.
  Result<std::int64_t> UpsertSite(const std::string& name, std::int64_t now);

  // True when `url` of `site_id` was fetched before with a 2xx response.
  Result<bool> ItemFetched(std::int64_t site_id, const std::string& url);

  // Records one fetch of a page and, atomically with it, the findings in its
  // content. Findings already recorded for this page are not new: they only
  // update last_seen_at, severity, strength and record. New findings get one
  // alert in the outbox (storage/outbox.h), in the same transaction, with the
  // page's severity. Returns the number of new findings.
  Result<std::int64_t> RecordPage(std::int64_t run_id, const PageRecord& page,
                                  const std::vector<FindingRecord>& findings);

  Status RecordSiteRun(std::int64_t run_id, std::int64_t site_id, const SiteRunTotals& totals,
                       std::int64_t now);

  // Findings joined with their page and site, oldest first.
  Result<std::vector<FindingRow>> ListFindings(const FindingFilter& filter);

  Database& db() { return db_; }

 private:
  explicit Store(Database db) : db_(std::move(db)) {}
  Database db_;
};

}  // namespace leakmon
