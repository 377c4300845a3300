// Findings rendered for people and programs: table, CSV, JSON.
//
// Pure functions of the rows (storage/store.h). What they can print is only
// what storage holds: no page text or plaintext identifier can appear.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/store.h"

namespace leakmon {

// The export schema version string (docs/export-schema.md).
inline constexpr const char* kExportSchema = "leakmon.findings/1";

// An aligned text table with a header; hashes shortened to 12 hex digits;
// severities coloured when `colour` is set.
std::string FormatFindingsTable(const std::vector<FindingRow>& rows, bool colour = false);

// RFC 4180 CSV with a header row:
// site,url,kind,ref,hash,count,first_seen,last_seen,content_sha256,severity.
std::string FormatFindingsCsv(const std::vector<FindingRow>& rows);

// A JSON array of finding objects (the objects of the export's "findings").
std::string FormatFindingsJson(const std::vector<FindingRow>& rows);

// The export document: {"schema", "generated_at", "findings": [...]}.
std::string BuildJsonExport(const std::vector<FindingRow>& rows, std::int64_t generated_at);

}  // namespace leakmon
