#include "report/findings_format.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "report/table.h"
#include "report/text.h"

namespace leakmon {
namespace {

nlohmann::json FindingJson(const FindingRow& r) {
  return nlohmann::json{
      {"site", r.site},
      {"url", r.url},
      {"kind", r.kind},
      {"ref", r.ref},
      {"hash", r.hash},
      {"count", r.count},
      {"first_seen", FormatRfc3339(r.first_seen_at)},
      {"last_seen", FormatRfc3339(r.last_seen_at)},
      {"content_sha256", r.content_sha256},
      {"severity", r.severity.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.severity)},
  };
}

nlohmann::json FindingsArray(const std::vector<FindingRow>& rows) {
  nlohmann::json arr = nlohmann::json::array();
  for (const FindingRow& r : rows) arr.push_back(FindingJson(r));
  return arr;
}

}  // namespace

std::string FormatFindingsTable(const std::vector<FindingRow>& rows, bool colour) {
  TextTable table({"FIRST SEEN", "SEVERITY", "SITE", "KIND", "REF", "HASH", "COUNT", "URL"});
  table.AlignRight(6);
  for (const FindingRow& r : rows) {
    std::string sev = r.severity.empty() ? "-" : r.severity;
    table.AddRow({FormatRfc3339(r.first_seen_at), sev, r.site, r.kind, r.ref.empty() ? "-" : r.ref,
                  r.hash.substr(0, 12), std::to_string(r.count), r.url},
                 {"", SeverityColour(r.severity)});
  }
  return table.Render(colour);
}

std::string FormatFindingsCsv(const std::vector<FindingRow>& rows) {
  std::string out = "site,url,kind,ref,hash,count,first_seen,last_seen,content_sha256,severity\n";
  for (const FindingRow& r : rows) {
    out += CsvField(r.site) + "," + CsvField(r.url) + "," + CsvField(r.kind) + "," + CsvField(r.ref) + "," +
           r.hash + "," + std::to_string(r.count) + "," + FormatRfc3339(r.first_seen_at) + "," +
           FormatRfc3339(r.last_seen_at) + "," + r.content_sha256 + "," + CsvField(r.severity) + "\n";
  }
  return out;
}

std::string FormatFindingsJson(const std::vector<FindingRow>& rows) {
  return FindingsArray(rows).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string BuildJsonExport(const std::vector<FindingRow>& rows, std::int64_t generated_at) {
  nlohmann::json doc{
      {"schema", kExportSchema},
      {"generated_at", FormatRfc3339(generated_at)},
      {"findings", FindingsArray(rows)},
  };
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace leakmon
