// Exports for SIEMs, threat-intel platforms and dashboards.
//
//   json        {"schema": "leakmon.findings/1", ...}       docs/export-schema.md
//   ndjson      one finding per line, Elastic Common Schema field names
//   csv         RFC 4180, one finding per row
//   stix        a STIX 2.1 bundle (identity, infrastructure, url/file SCOs,
//               observed-data, sighting per page; docs/export-schema.md)
//   prometheus  node_exporter textfile-collector metrics
//   html        one self-contained page with inline SVG charts
//
// Each is a pure function of an ExportData snapshot, so what an export can
// hold is only what storage holds: never page text or a plaintext
// identifier. The CLI writes every export atomically (temp file + rename).
// Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/outbox.h"
#include "storage/report_queries.h"
#include "storage/store.h"

namespace leakmon {

struct ExportData {
  std::int64_t generated_at = 0;
  std::string organization = "leakmon";     // [report] organization
  std::vector<FindingRow> findings;          // oldest first
  std::vector<SiteHealth> sites;
  std::vector<SiteRunPoint> site_history;    // oldest first
  std::optional<RunSummary> last_run;
  std::int64_t alerts_pending = 0;
};

inline constexpr const char* kExportFormats[] = {"json", "ndjson", "csv", "stix", "prometheus", "html"};

std::string ExportNdjson(const ExportData& d);
std::string ExportStix(const ExportData& d);
std::string ExportPrometheus(const ExportData& d);
std::string ExportHtml(const ExportData& d);

// Dispatches on `format` (one of kExportFormats); empty for an unknown one.
std::string RenderExport(const std::string& format, const ExportData& d);

// The findings of one page (site + URL) as an alert row (for summaries):
// severity the highest, first seen the earliest, content the latest.
struct PageGroup {
  AlertRow row;
  std::int64_t last_seen_at = 0;
};
// Ordered by first seen.
std::vector<PageGroup> GroupByPage(const std::vector<FindingRow>& findings);

// The ECS numeric event.severity of a leakmon severity (critical 99, high 73,
// low 21, unknown 0).
int EcsSeverity(const std::string& severity);

// A deterministic UUID (version 5, RFC 9562) of `name` in `namespace_uuid`.
std::string Uuid5(const std::string& namespace_uuid, const std::string& name);

}  // namespace leakmon
