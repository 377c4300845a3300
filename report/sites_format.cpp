#include "report/sites_format.h"

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "report/table.h"
#include "report/text.h"

namespace leakmon {
namespace {

std::string SiteStatus(const SiteRow& r) {
  const SiteHealth& h = r.health;
  if (!h.up) return "never";
  if (!*h.up) return r.crawl.backing_off ? "backing off" : "down";
  return r.crawl.broken_listings.empty() ? "up" : "adapter broken?";
}

const char* StatusColour(const std::string& status) {
  if (status == "up") return "32";
  if (status == "adapter broken?") return "1;33";
  if (status == "down" || status == "backing off") return "1;31";
  return "";
}

std::string Joined(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

std::string Time(const std::optional<std::int64_t>& t) { return t ? FormatRfc3339(*t) : "-"; }

}  // namespace

std::string FormatSitesTable(const std::vector<SiteRow>& rows, bool colour) {
  TextTable table({"SITE", "STATUS", "HISTORY", "LAST RUN", "LAST SUCCESS", "FAILURES", "NEXT TRY", "PAGES",
                   "PENDING", "FINDINGS", "CRITICAL", "LAST ERROR"});
  for (std::size_t c : {5, 7, 8, 9, 10}) table.AlignRight(c);
  for (const SiteRow& r : rows) {
    const SiteHealth& h = r.health;
    std::string status = SiteStatus(r);
    std::string history = r.crawl.history.size() > 10 ? r.crawl.history.substr(r.crawl.history.size() - 10)
                                                       : r.crawl.history;
    table.AddRow({h.name, status, history.empty() ? "-" : history, Time(h.last_run_at), Time(h.last_success_at),
                  std::to_string(h.consecutive_failures), r.crawl.backing_off ? Time(r.crawl.next_attempt) : "-",
                  std::to_string(h.pages_fetched), std::to_string(r.crawl.pending_items), std::to_string(r.findings),
                  std::to_string(r.critical), Ellipsize(h.last_error, 80)},
                 {"", StatusColour(status), "", "", "", "", "", "", "", "",
                  r.critical > 0 ? SeverityColour("critical") : ""});
  }
  return table.Render(colour);
}

std::string FormatSitesCsv(const std::vector<SiteRow>& rows) {
  std::string out =
      "site,status,last_run,last_success,consecutive_failures,pages_fetched,findings,critical,last_error,"
      "history,next_attempt,pending_items,given_up_items,item_links,broken_listings\n";
  for (const SiteRow& r : rows) {
    const SiteHealth& h = r.health;
    const SiteCrawlState& c = r.crawl;
    out += CsvField(h.name) + "," + CsvField(SiteStatus(r)) + "," + (h.last_run_at ? FormatRfc3339(*h.last_run_at) : "") +
           "," + (h.last_success_at ? FormatRfc3339(*h.last_success_at) : "") + "," +
           std::to_string(h.consecutive_failures) + "," + std::to_string(h.pages_fetched) + "," +
           std::to_string(r.findings) + "," + std::to_string(r.critical) + "," + CsvField(h.last_error) + "," +
           c.history + "," + (c.next_attempt ? FormatRfc3339(*c.next_attempt) : "") + "," +
           std::to_string(c.pending_items) + "," + std::to_string(c.given_up_items) + "," +
           std::to_string(c.item_links) + "," + CsvField(Joined(c.broken_listings)) + "\n";
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
    const SiteCrawlState& c = r.crawl;
    arr.push_back(nlohmann::json{{"site", h.name},
                   {"status", SiteStatus(r)},
                   {"history", c.history},
                   {"next_attempt", time(c.next_attempt)},
                   {"pending_items", c.pending_items},
                   {"given_up_items", c.given_up_items},
                   {"item_links", c.item_links},
                   {"broken_listings", c.broken_listings},
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
