// leakmon findings / leakmon export: read the stored findings. Reading never
// touches the network and never needs the key.
#include "app/commands.h"

#include <cstdio>

#include "app/console.h"
#include "app/exit_codes.h"
#include "common/clock.h"
#include "common/files.h"
#include "config/load.h"
#include "report/findings_format.h"
#include "storage/store.h"

namespace leakmon {
namespace {

Result<std::vector<FindingRow>> LoadFindings(const std::string& config_path, const std::string& since,
                                             const std::string& site) {
  LEAKMON_ASSIGN_OR_RETURN(Config config, LoadConfigFile(config_path));
  FindingFilter filter;
  if (!since.empty()) {
    std::optional<std::int64_t> t = ParseDate(since);
    if (!t) return Status::InvalidArgument("--since: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
    filter.since = *t;
  }
  if (!site.empty()) filter.site = site;
  Result<Store> store = Store::Open(config.storage.database);
  if (!store.ok()) return Status::IoError(store.status().message());
  return store->ListFindings(filter);
}

}  // namespace

int RunFindings(const FindingsArgs& args) {
  if (args.format != "table" && args.format != "json" && args.format != "csv") {
    return ReportError(Status::InvalidArgument("--format must be table, json or csv"));
  }
  Result<std::vector<FindingRow>> rows = LoadFindings(args.config, args.since, args.site);
  if (!rows.ok()) return ReportError(rows.status());
  std::string out;
  if (args.format == "json") {
    out = FormatFindingsJson(*rows);
  } else if (args.format == "csv") {
    out = FormatFindingsCsv(*rows);
  } else {
    out = rows->empty() ? "no findings\n" : FormatFindingsTable(*rows);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

int RunExport(const ExportArgs& args) {
  if (args.format != "json") return ReportError(Status::InvalidArgument("--format: supported formats: json"));
  Result<std::vector<FindingRow>> rows = LoadFindings(args.config, args.since, "");
  if (!rows.ok()) return ReportError(rows.status());
  std::string doc = BuildJsonExport(*rows, SystemClock().NowUnix());
  if (Status s = WriteFileAtomic(args.out, doc, 0640); !s.ok()) return ReportError(s);
  return kExitOk;
}

}  // namespace leakmon
