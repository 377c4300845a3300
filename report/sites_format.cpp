#include "report/sites_format.h"

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "report/table.h"
#include "report/text.h"

namespace leakmon {
namespace {

std::string SiteStatus(const SiteHealth& h) {
  if (!h.up) return "never";
  return *h.up ? "up" : "down";
}

std::string Time(const std::optional<std::int64_t>& t) { return t ? FormatRfc3339(*t) : "-"; }

}  // namespace

std::string FormatSitesTable(const std::vector<SiteRow>& rows, bool colour) {
  TextTable table({"SITE", "STATUS", "LAST RUN", "LAST SUCCESS", "FAILURES", "PAGES", "FINDINGS", "CRITICAL",
                   "LAST ERROR"});
  for (std::size_t c : {4, 5, 6, 7}) table.AlignRight(c);
  for (const SiteRow& r : rows) {
    const SiteHealth& h = r.health;
    std::string status = SiteStatus(h);
    table.AddRow({h.name, status, Time(h.last_run_at), Time(h.last_success_at), std::to_string(h.consecutive_failures),
                  std::to_string(h.pages_fetched), std::to_string(r.findings), std::to_string(r.critical),
                  Ellipsize(h.last_error, 80)},
                 {"", status == "up" ? "32" : status == "down" ? "1;31" : "", "", "", "", "", "",
                  r.critical > 0 ? SeverityColour("critical") : ""});
  }
  return table.Render(colour);
}

std::string FormatSitesCsv(const std::vector<SiteRow>& rows) {
  std::string out = "site,status,last_run,last_success,consecutive_failures,pages_fetched,findings,critical,last_error\n";
  for (const SiteRow& r : rows) {
    const SiteHealth& h = r.health;
    out += CsvField(h.name) + "," + SiteStatus(h) + "," + (h.last_run_at ? FormatRfc3339(*h.last_run_at) : "") + "," +
           (h.last_success_at ? FormatRfc3339(*h.last_success_at) : "") + "," + std::to_string(h.consecutive_failures) +
           "," + std::to_string(h.pages_fetched) + "," + std::to_string(r.findings) + "," + std::to_string(r.critical) +
           "," + CsvField(h.last_error) + "\n";
  }
  return out;
}

std::string FormatSitesJson(const std::vector<SiteRow>& rows) {
  nlohmann::json arr = nlohmann::json::array();
  auto time = [](const std::optional<std::int64_t>& t) {
    return t ? nlohmann::json(FormatRfc3339(*t)) : nlohmann::json(nullptr);
  };
  for (const SiteRow& r : rows) {
    const SiteHealth& h = r.health;
    arr.push_back(nlohmann::json{{"site", h.name},
                   {"status", SiteStatus(h)},
                   {"last_run", time(h.last_run_at)},
                   {"last_success", time(h.last_success_at)},
                   {"consecutive_failures", h.consecutive_failures},
                   {"pages_fetched", h.pages_fetched},
                   {"findings", r.findings},
                   {"critical", r.critical},
                   {"last_error", h.last_error}});
  }
  return arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace leakmon
