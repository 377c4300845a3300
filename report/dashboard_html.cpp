// The HTML dashboard: one self-contained page, no script, no external
// resource of any kind (fonts, images, styles are inline), charts as inline
// SVG styled by CSS variables that follow prefers-color-scheme.
#include <algorithm>
#include <map>
#include <set>

#include "common/clock.h"
#include "report/alert_payload.h"
#include "report/exports.h"
#include "report/severity.h"
#include "report/text.h"

namespace leakmon {
namespace {

constexpr std::int64_t kDay = 86400;
constexpr int kDays = 30;            // the time window of the charts
constexpr std::size_t kLatest = 20;  // rows in the latest-critical table

std::string Esc(std::string_view s) {
  std::string out;
  for (char c : Printable(s)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

const char* kStyle = R"css(
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1b1f24; --muted: #57606a; --grid: #d0d7de;
  --card: #f6f8fa; --bar: #0969da; --up: #1a7f37; --down: #cf222e;
  --critical: #a40e26; --high: #cf222e; --medium: #9a6700; --low: #0969da; --unknown: #6e7781; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --grid: #30363d; --card: #161b22; --bar: #4493f8;
    --up: #3fb950; --down: #f85149; --critical: #ff7b72; --high: #f85149; --medium: #d29922; --low: #4493f8;
    --unknown: #9198a1; }
}
body { background: var(--bg); color: var(--fg); margin: 0; padding: 24px;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 0 0 8px; }
.muted { color: var(--muted); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; margin-top: 16px; }
.card { background: var(--card); border: 1px solid var(--grid); border-radius: 8px; padding: 16px; }
.kpis { display: flex; gap: 24px; flex-wrap: wrap; margin-top: 12px; }
.kpi b { display: block; font-size: 24px; }
svg { width: 100%; height: auto; display: block; }
svg text { fill: var(--fg); font-size: 11px; } svg .axis { stroke: var(--grid); }
svg .bar { fill: var(--bar); } svg .up { fill: var(--up); } svg .down { fill: var(--down); }
.sev-critical { fill: var(--critical); color: var(--critical); } .sev-high { fill: var(--high); color: var(--high); }
.sev-medium { fill: var(--medium); color: var(--medium); } .sev-low { fill: var(--low); color: var(--low); }
.sev-unknown { fill: var(--unknown); color: var(--unknown); }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 4px 8px;
  border-bottom: 1px solid var(--grid); vertical-align: top; } td.url { word-break: break-all; }
)css";


// Findings per day over the window.
std::string OverTime(const ExportData& d, std::int64_t start) {
  std::vector<std::int64_t> per_day(kDays, 0);
  for (const FindingRow& f : d.findings) {
    if (f.first_seen_at < start) continue;
    std::int64_t i = (f.first_seen_at - start) / kDay;
    if (i >= 0 && i < kDays) ++per_day[static_cast<std::size_t>(i)];
  }
  std::int64_t max = std::max<std::int64_t>(1, *std::max_element(per_day.begin(), per_day.end()));
  const double w = 600, h = 180, left = 36, bottom = 24, bw = (w - left) / kDays;
  std::string svg = "<svg id=\"chart-findings-over-time\" viewBox=\"0 0 600 180\" role=\"img\" "
                    "aria-label=\"Findings per day, last 30 days\"><title>Findings per day, last 30 days</title>";
  svg += "<line class=\"axis\" x1=\"" + Num(left) + "\" y1=\"" + Num(h - bottom) + "\" x2=\"600\" y2=\"" +
         Num(h - bottom) + "\"/>";
  svg += "<text x=\"0\" y=\"12\">" + std::to_string(max) + "</text><text x=\"0\" y=\"" + Num(h - bottom) + "\">0</text>";
  for (int i = 0; i < kDays; ++i) {
    double bh = (h - bottom - 8) * static_cast<double>(per_day[static_cast<std::size_t>(i)]) / static_cast<double>(max);
    std::string day = FormatRfc3339(start + i * kDay).substr(0, 10);
    svg += "<rect class=\"bar\" data-day=\"" + day + "\" data-count=\"" + std::to_string(per_day[static_cast<std::size_t>(i)]) +
           "\" x=\"" + Num(left + i * bw + 1) + "\" y=\"" + Num(h - bottom - bh) + "\" width=\"" + Num(bw - 2) +
           "\" height=\"" + Num(bh) + "\"><title>" + day + ": " + std::to_string(per_day[static_cast<std::size_t>(i)]) +
           "</title></rect>";
    if (i % 7 == 0) svg += "<text x=\"" + Num(left + i * bw) + "\" y=\"" + Num(h - 6) + "\">" + day.substr(5) + "</text>";
  }
  return svg + "</svg>";
}

// Horizontal bars: label -> count, each bar with its CSS class.
std::string Bars(const std::string& id, const std::string& title,
                 const std::vector<std::tuple<std::string, std::int64_t, std::string>>& rows) {
  const double row_h = 26, label_w = 170, w = 600;
  double h = std::max(1.0, static_cast<double>(rows.size())) * row_h + 8;
  std::int64_t max = 1;
  for (const auto& r : rows) max = std::max(max, std::get<1>(r));
  std::string svg = "<svg id=\"" + id + "\" viewBox=\"0 0 600 " + Num(h) + "\" role=\"img\" aria-label=\"" + Esc(title) +
                    "\"><title>" + Esc(title) + "</title>";
  if (rows.empty()) svg += "<text x=\"0\" y=\"18\">no findings</text>";
  double y = 4;
  for (const auto& [label, n, cls] : rows) {
    double bw = (w - label_w - 50) * static_cast<double>(n) / static_cast<double>(max);
    svg += "<text x=\"0\" y=\"" + Num(y + 16) + "\">" + Esc(Ellipsize(label, 28)) + "</text>";
    svg += "<rect class=\"" + cls + "\" x=\"" + Num(label_w) + "\" y=\"" + Num(y + 3) + "\" width=\"" + Num(std::max(bw, 2.0)) +
           "\" height=\"18\"><title>" + Esc(label) + ": " + std::to_string(n) + "</title></rect>";
    svg += "<text x=\"" + Num(label_w + bw + 6) + "\" y=\"" + Num(y + 16) + "\">" + std::to_string(n) + "</text>";
    y += row_h;
  }
  return svg + "</svg>";
}

// One row per site, one mark per run: up or down.
std::string Timeline(const ExportData& d, std::int64_t start) {
  std::set<std::string> names;
  for (const SiteHealth& s : d.sites) names.insert(s.name);
  const double row_h = 26, label_w = 170, w = 600;
  double h = std::max<double>(1.0, static_cast<double>(names.size())) * row_h + 24;
  std::string svg = "<svg id=\"chart-site-timeline\" viewBox=\"0 0 600 " + Num(h) +
                    "\" role=\"img\" aria-label=\"Site up/down per run, last 30 days\">"
                    "<title>Site up/down per run, last 30 days</title>";
  if (names.empty()) svg += "<text x=\"0\" y=\"18\">no runs yet</text>";
  std::map<std::string, double> row_y;
  double y = 4;
  for (const std::string& n : names) {
    row_y[n] = y;
    svg += "<text x=\"0\" y=\"" + Num(y + 16) + "\">" + Esc(Ellipsize(n, 28)) + "</text>";
    svg += "<line class=\"axis\" x1=\"" + Num(label_w) + "\" y1=\"" + Num(y + 12) + "\" x2=\"600\" y2=\"" + Num(y + 12) + "\"/>";
    y += row_h;
  }
  const double span = static_cast<double>(kDays * kDay);
  for (const SiteRunPoint& p : d.site_history) {
    if (p.at < start || row_y.count(p.site) == 0) continue;
    double x = label_w + (w - label_w - 4) * static_cast<double>(p.at - start) / span;
    svg += "<rect class=\"" + std::string(p.up ? "up" : "down") + "\" data-site=\"" + Esc(p.site) + "\" x=\"" + Num(x) +
           "\" y=\"" + Num(row_y[p.site] + 3) + "\" width=\"4\" height=\"18\"><title>" + Esc(p.site) + " " +
           FormatRfc3339(p.at) + (p.up ? " up" : " down") + "</title></rect>";
  }
  svg += "<text x=\"" + Num(label_w) + "\" y=\"" + Num(h - 4) + "\">" + FormatRfc3339(start).substr(0, 10) +
         "</text><text x=\"530\" y=\"" + Num(h - 4) + "\">" + FormatRfc3339(start + kDays * kDay).substr(0, 10) + "</text>";
  return svg + "</svg>";
}

}  // namespace

std::string ExportHtml(const ExportData& d) {
  const std::int64_t end_day = (d.generated_at / kDay + 1) * kDay;
  const std::int64_t start = end_day - kDays * kDay;

  std::map<std::string, std::int64_t> per_site;
  std::map<int, std::int64_t, std::greater<>> per_sev;
  for (const FindingRow& f : d.findings) {
    ++per_site[f.site];
    ++per_sev[SeverityRank(f.severity)];
  }
  std::vector<std::tuple<std::string, std::int64_t, std::string>> site_rows, sev_rows;
  for (const auto& [s, n] : per_site) site_rows.emplace_back(s, n, "bar");
  std::sort(site_rows.begin(), site_rows.end(), [](const auto& a, const auto& b) { return std::get<1>(a) > std::get<1>(b); });
  for (const auto& [sev, n] : per_sev) {
    std::string name = sev == 0 ? "unknown" : SeverityNameOfRank(sev);
    sev_rows.emplace_back(name, n, "sev-" + name);
  }

  // Latest critical pages, newest first.
  std::vector<AlertRow> latest;
  for (PageGroup& g : GroupByPage(d.findings)) {
    if (g.row.severity == "critical") latest.push_back(std::move(g.row));
  }
  std::sort(latest.begin(), latest.end(), [](const AlertRow& a, const AlertRow& b) { return a.first_seen_at > b.first_seen_at; });
  if (latest.size() > kLatest) latest.resize(kLatest);

  std::int64_t sites_up = 0, sites_down = 0;
  for (const SiteHealth& s : d.sites) {
    if (s.up) (*s.up ? sites_up : sites_down) += 1;
  }

  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
                  "<meta name=\"referrer\" content=\"no-referrer\">";
  h += "<title>leakmon dashboard: " + Esc(d.organization) + "</title><style>" + kStyle + "</style></head><body>";
  h += "<header><h1>leakmon: " + Esc(d.organization) + "</h1><div class=\"muted\">generated " +
       FormatRfc3339(d.generated_at) + (d.last_run && d.last_run->finished_at
                                            ? " · last run " + FormatRfc3339(*d.last_run->finished_at) +
                                                  (d.last_run->exit_code.value_or(1) == 0 ? " (ok)" : " (failed)")
                                            : " · no finished run yet") +
       "</div>";
  h += "<div class=\"kpis\" id=\"kpis\"><div class=\"kpi\"><b>" + std::to_string(d.findings.size()) +
       "</b>findings</div><div class=\"kpi\"><b class=\"sev-critical\">" +
       std::to_string(per_sev.count(3) ? per_sev[3] : 0) +
       "</b>critical</div><div class=\"kpi\"><b>" + std::to_string(sites_up) + " / " +
       std::to_string(sites_up + sites_down) + "</b>sites up</div><div class=\"kpi\"><b>" +
       std::to_string(d.alerts_pending) + "</b>alerts pending</div></div></header>";
  h += "<main class=\"grid\">";
  h += "<section class=\"card\"><h2>Findings over time</h2>" + OverTime(d, start) + "</section>";
  h += "<section class=\"card\"><h2>Findings per site</h2>" +
       Bars("chart-findings-per-site", "Findings per site", site_rows) + "</section>";
  h += "<section class=\"card\"><h2>Findings per severity</h2>" +
       Bars("chart-findings-per-severity", "Findings per severity", sev_rows) + "</section>";
  h += "<section class=\"card\"><h2>Sites up/down</h2>" + Timeline(d, start) + "</section>";
  h += "</main><section class=\"card\" style=\"margin-top:16px\"><h2>Latest critical findings</h2>"
       "<table id=\"latest-critical\"><thead><tr><th>First seen</th><th>Site</th><th>Summary</th><th>URL</th>"
       "<th>Content SHA-256</th></tr></thead><tbody>";
  if (latest.empty()) h += "<tr><td colspan=\"5\" class=\"muted\">no critical findings</td></tr>";
  for (const AlertRow& a : latest) {
    std::string summary = AlertSummary(a);
    summary = summary.substr(0, summary.find(" on "));
    h += "<tr><td>" + FormatRfc3339(a.first_seen_at) + "</td><td>" + Esc(a.site) + "</td><td class=\"sev-critical\">" +
         Esc(summary) + "</td><td class=\"url\">" + Esc(Ellipsize(a.url, 300)) + "</td><td><code>" +
         Esc(a.content_sha256.substr(0, 16)) + "…</code></td></tr>";
  }
  h += "</tbody></table></section></body></html>\n";
  return h;
}

}  // namespace leakmon
