#include "report/findings_format.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/clock.h"

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
  };
}

nlohmann::json FindingsArray(const std::vector<FindingRow>& rows) {
  nlohmann::json arr = nlohmann::json::array();
  for (const FindingRow& r : rows) arr.push_back(FindingJson(r));
  return arr;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// URLs come from hostile pages: keep control characters out of terminals.
std::string Printable(const std::string& s) {
  std::string out;
  for (unsigned char c : s) out.push_back(c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c));
  return out;
}

}  // namespace

std::string FormatFindingsTable(const std::vector<FindingRow>& rows) {
  std::vector<std::vector<std::string>> cells;
  cells.push_back({"FIRST SEEN", "SITE", "KIND", "REF", "HASH", "COUNT", "URL"});
  for (const FindingRow& r : rows) {
    cells.push_back({FormatRfc3339(r.first_seen_at), Printable(r.site), r.kind, r.ref.empty() ? "-" : r.ref,
                     r.hash.substr(0, 12), std::to_string(r.count), Printable(r.url)});
  }
  std::vector<std::size_t> width(cells[0].size(), 0);
  for (const auto& row : cells) {
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  for (const auto& row : cells) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out += std::string(width[i] - row[i].size() + 2, ' ');
    }
    out += "\n";
  }
  return out;
}

std::string FormatFindingsCsv(const std::vector<FindingRow>& rows) {
  std::string out = "site,url,kind,ref,hash,count,first_seen,last_seen,content_sha256\n";
  for (const FindingRow& r : rows) {
    out += CsvField(r.site) + "," + CsvField(r.url) + "," + CsvField(r.kind) + "," + CsvField(r.ref) + "," +
           r.hash + "," + std::to_string(r.count) + "," + FormatRfc3339(r.first_seen_at) + "," +
           FormatRfc3339(r.last_seen_at) + "," + r.content_sha256 + "\n";
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
