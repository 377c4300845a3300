#include "report/exports.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <set>

#include "common/clock.h"
#include "common/sha256.h"
#include "report/alert_payload.h"
#include "report/findings_format.h"
#include "report/severity.h"

namespace leakmon {
namespace {

using nlohmann::json;

std::string Dump(const json& j, int indent = -1) { return j.dump(indent, ' ', false, json::error_handler_t::replace); }

// "http://host/path?q" -> ("host", "/path")
std::pair<std::string, std::string> HostAndPath(const std::string& url) {
  std::size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  std::size_t slash = url.find_first_of("/?#", start);
  std::string host = url.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
  std::string path = slash == std::string::npos ? "/" : url.substr(slash);
  path = path.substr(0, path.find_first_of("?#"));
  if (path.empty()) path = "/";
  return {host, path};
}

std::string SeverityLabel(const std::string& s) { return s.empty() ? "unknown" : s; }

}  // namespace

std::vector<PageGroup> GroupByPage(const std::vector<FindingRow>& findings) {
  std::map<std::pair<std::string, std::string>, PageGroup> groups;
  for (const FindingRow& f : findings) {
    PageGroup& g = groups[{f.site, f.url}];
    AlertRow& a = g.row;
    if (a.findings.empty()) {
      a.id = f.id;
      a.site = f.site;
      a.url = f.url;
      a.first_seen_at = f.first_seen_at;
      a.created_at = f.first_seen_at;
      a.content_sha256 = f.content_sha256;
    }
    a.first_seen_at = std::min(a.first_seen_at, f.first_seen_at);
    if (f.last_seen_at >= g.last_seen_at) a.content_sha256 = f.content_sha256;  // the latest content seen
    g.last_seen_at = std::max(g.last_seen_at, f.last_seen_at);
    if (SeverityRank(f.severity) > SeverityRank(a.severity)) a.severity = f.severity;
    a.findings.push_back(AlertFindingRow{f.kind, f.ref, f.hash, f.count});
  }
  std::vector<PageGroup> out;
  for (auto& [key, g] : groups) out.push_back(std::move(g));
  std::sort(out.begin(), out.end(), [](const PageGroup& a, const PageGroup& b) {
    return std::tie(a.row.first_seen_at, a.row.id) < std::tie(b.row.first_seen_at, b.row.id);
  });
  return out;
}

namespace {

// STIX timestamps: RFC 3339, UTC, millisecond precision.
std::string StixTime(std::int64_t t) {
  std::string s = FormatRfc3339(t);
  return s.substr(0, s.size() - 1) + ".000Z";
}

// STIX 2.1 section 2.9: the namespace for deterministic SCO identifiers.
constexpr const char* kStixScoNamespace = "00abedb4-aa42-453f-a1b3-f8a5ad0b8b79";
// leakmon's own namespace for its SDO/SRO identifiers (a fixed random UUID),
// so a re-export gives the same objects the same ids.
constexpr const char* kLeakmonNamespace = "6b1f3c2e-8d4a-4e7b-9c51-2f0a7d9e3b18";

std::string StixId(const std::string& type, const std::string& name, const char* ns = kLeakmonNamespace) {
  return type + "--" + Uuid5(ns, type + ":" + name);
}

// SCO ids: UUIDv5 of the canonical JSON of the id-contributing properties.
std::string ScoId(const std::string& type, const json& contributing) {
  return type + "--" + Uuid5(kStixScoNamespace, Dump(contributing));
}

void PromLine(std::string& out, const std::string& name, const std::vector<std::pair<std::string, std::string>>& labels,
              const std::string& value) {
  out += name;
  if (!labels.empty()) {
    out += "{";
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (i > 0) out += ",";
      out += labels[i].first + "=\"";
      for (char c : labels[i].second) {
        if (c == '\\') {
          out += "\\\\";
        } else if (c == '"') {
          out += "\\\"";
        } else if (c == '\n') {
          out += "\\n";
        } else {
          out.push_back(c);
        }
      }
      out += "\"";
    }
    out += "}";
  }
  out += " " + value + "\n";
}

void PromHeader(std::string& out, const std::string& name, const char* type, const char* help) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

int EcsSeverity(const std::string& severity) {
  static const int kEcs[] = {0, 21, 73, 99};  // unknown, low, high, critical
  return kEcs[SeverityRank(severity)];
}

std::string Uuid5(const std::string& namespace_uuid, const std::string& name) {
  std::string ns_bytes;
  std::string hex;
  for (char c : namespace_uuid) {
    if (c != '-') hex.push_back(c);
  }
  (void)HexDecode(hex, &ns_bytes);
  std::string input = ns_bytes + name;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), md, &len, EVP_sha1(), nullptr);
  md[6] = static_cast<unsigned char>((md[6] & 0x0F) | 0x50);
  md[8] = static_cast<unsigned char>((md[8] & 0x3F) | 0x80);
  std::string h = HexEncode(md, 16);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::string ExportNdjson(const ExportData& d) {
  std::string out;
  for (const FindingRow& f : d.findings) {
    auto [host, path] = HostAndPath(f.url);
    std::string scheme = f.url.substr(0, f.url.find(':'));
    std::string sev = SeverityLabel(f.severity);
    json doc{
        {"@timestamp", FormatRfc3339(f.first_seen_at)},
        {"message", sev + ": " + f.kind + (f.ref.empty() ? "" : " of " + f.ref) + " on " + f.site + " " + f.url},
        {"ecs", {{"version", "8.11.0"}}},
        {"event",
         {{"kind", "alert"},
          {"category", json::array({"threat"})},
          {"type", json::array({"indicator"})},
          {"dataset", "leakmon.finding"},
          {"module", "leakmon"},
          {"provider", "leakmon"},
          {"id", "leakmon-finding-" + std::to_string(f.id)},
          {"severity", EcsSeverity(f.severity)},
          {"created", FormatRfc3339(d.generated_at)},
          {"start", FormatRfc3339(f.first_seen_at)},
          {"end", FormatRfc3339(f.last_seen_at)}}},
        {"observer", {{"vendor", "leakmon"}, {"product", "leakmon"}, {"type", "leak-monitor"}}},
        {"organization", {{"name", d.organization}}},
        {"url", {{"full", f.url}, {"original", f.url}, {"scheme", scheme}, {"domain", host}, {"path", path}}},
        {"file", {{"hash", {{"sha256", f.content_sha256}}}}},
        {"tags", json::array({"leakmon", "severity:" + sev})},
        {"leakmon",
         {{"site", f.site},
          {"kind", f.kind},
          {"ref", f.ref},
          {"identifier_hash", f.hash},
          {"count", f.count},
          {"severity", sev},
          {"first_seen", FormatRfc3339(f.first_seen_at)},
          {"last_seen", FormatRfc3339(f.last_seen_at)},
          {"content_sha256", f.content_sha256}}},
    };
    out += Dump(doc) + "\n";
  }
  return out;
}

std::string ExportStix(const ExportData& d) {
  json objects = json::array();
  const std::string now = StixTime(d.generated_at);
  const std::string org_id = StixId("identity", d.organization);
  objects.push_back(json{{"type", "identity"},
                         {"spec_version", "2.1"},
                         {"id", org_id},
                         {"created", now},
                         {"modified", now},
                         {"name", d.organization},
                         {"identity_class", "organization"},
                         {"description", "The organization whose identifiers leakmon monitors."}});
  std::vector<PageGroup> pages = GroupByPage(d.findings);
  std::set<std::string> sites;
  for (const PageGroup& g : pages) sites.insert(g.row.site);
  std::map<std::string, std::string> site_ids;
  for (const std::string& site : sites) {
    site_ids[site] = StixId("infrastructure", site);
    objects.push_back(json{{"type", "infrastructure"},
                           {"spec_version", "2.1"},
                           {"id", site_ids[site]},
                           {"created", now},
                           {"modified", now},
                           {"created_by_ref", org_id},
                           {"name", site},
                           {"infrastructure_types", json::array({"exfiltration"})},
                           {"description", "Onion paste or leak site where leaked data is published, watched by leakmon."}});
  }
  for (const PageGroup& g : pages) {
    const AlertRow& a = g.row;
    json url_contrib{{"value", a.url}};
    json file_contrib{{"hashes", {{"SHA-256", a.content_sha256}}}};
    std::string url_id = ScoId("url", url_contrib);
    std::string file_id = ScoId("file", file_contrib);
    objects.push_back(json{{"type", "url"}, {"spec_version", "2.1"}, {"id", url_id}, {"value", a.url}});
    objects.push_back(json{{"type", "file"}, {"spec_version", "2.1"}, {"id", file_id},
                           {"hashes", {{"SHA-256", a.content_sha256}}}});
    const std::string key = a.site + "\n" + a.url;
    const std::string first = StixTime(a.first_seen_at);
    const std::string last = StixTime(std::max(g.last_seen_at, a.first_seen_at));
    std::string observed_id = StixId("observed-data", key);
    objects.push_back(json{{"type", "observed-data"},
                           {"spec_version", "2.1"},
                           {"id", observed_id},
                           {"created", first},
                           {"modified", last},
                           {"created_by_ref", org_id},
                           {"first_observed", first},
                           {"last_observed", last},
                           {"number_observed", 1},
                           {"object_refs", json::array({url_id, file_id})}});
    std::map<std::string, std::int64_t> counts;
    std::set<std::string> refs;
    for (const AlertFindingRow& f : a.findings) {
      ++counts[f.kind];
      if (!f.ref.empty()) refs.insert(f.ref);
    }
    json sighting{{"type", "sighting"},
                  {"spec_version", "2.1"},
                  {"id", StixId("sighting", key)},
                  {"created", first},
                  {"modified", last},
                  {"created_by_ref", org_id},
                  {"first_seen", first},
                  {"last_seen", last},
                  {"count", 1},
                  {"sighting_of_ref", site_ids[a.site]},
                  {"observed_data_refs", json::array({observed_id})},
                  {"where_sighted_refs", json::array({org_id})},
                  {"description", AlertSummary(a)},
                  {"labels", json::array({"leakmon", "severity-" + SeverityLabel(a.severity)})},
                  {"x_leakmon_severity", SeverityLabel(a.severity)},
                  {"x_leakmon_counts", counts}};
    // STIX 2.1 section 2.12: empty lists are prohibited; a page whose
    // identifiers have no record id (terms) has none to list.
    if (!refs.empty()) sighting["x_leakmon_record_ids"] = refs;
    objects.push_back(sighting);
  }
  json bundle{{"type", "bundle"},
              {"id", StixId("bundle", d.organization + "\n" + now + "\n" + std::to_string(d.findings.size()))},
              {"objects", objects}};
  return Dump(bundle, 2) + "\n";
}

std::string ExportPrometheus(const ExportData& d) {
  std::string out;
  std::map<std::tuple<std::string, std::string, std::string>, std::int64_t> findings;
  for (const FindingRow& f : d.findings) ++findings[{f.site, f.kind, SeverityLabel(f.severity)}];
  PromHeader(out, "leakmon_findings_total", "counter",
             "Findings recorded (distinct identifier per page), by site, identifier kind and severity.");
  for (const auto& [key, n] : findings) {
    const auto& [site, kind, severity] = key;
    PromLine(out, "leakmon_findings_total", {{"site", site}, {"kind", kind}, {"severity", severity}}, std::to_string(n));
  }
  PromHeader(out, "leakmon_site_up", "gauge", "1 if the site's latest crawl fetched at least one listing, else 0.");
  for (const SiteHealth& s : d.sites) {
    if (s.up) PromLine(out, "leakmon_site_up", {{"site", s.name}}, *s.up ? "1" : "0");
  }
  PromHeader(out, "leakmon_pages_fetched_total", "counter", "Pages fetched by all runs, by site.");
  for (const SiteHealth& s : d.sites) {
    PromLine(out, "leakmon_pages_fetched_total", {{"site", s.name}}, std::to_string(s.pages_fetched));
  }
  PromHeader(out, "leakmon_last_run_timestamp_seconds", "gauge", "Unix time the last finished crawl ended.");
  if (d.last_run) {
    PromLine(out, "leakmon_last_run_timestamp_seconds", {}, std::to_string(d.last_run->finished_at.value_or(0)));
  }
  PromHeader(out, "leakmon_last_run_success", "gauge", "1 if the last finished crawl exited 0, else 0.");
  if (d.last_run) PromLine(out, "leakmon_last_run_success", {}, d.last_run->exit_code.value_or(1) == 0 ? "1" : "0");
  PromHeader(out, "leakmon_alerts_pending", "gauge", "Alert deliveries waiting to be sent, over all channels.");
  PromLine(out, "leakmon_alerts_pending", {}, std::to_string(d.alerts_pending));
  return out;
}

std::string RenderExport(const std::string& format, const ExportData& d) {
  if (format == "json") return BuildJsonExport(d.findings, d.generated_at);
  if (format == "ndjson") return ExportNdjson(d);
  if (format == "csv") return FormatFindingsCsv(d.findings);
  if (format == "stix") return ExportStix(d);
  if (format == "prometheus") return ExportPrometheus(d);
  if (format == "html") return ExportHtml(d);
  return "";
}

}  // namespace leakmon
