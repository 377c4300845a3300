// The leakmon subcommands. Each returns a process exit code (exit_codes.h)
// and reports its own errors on stderr. main.cpp parses the command line
// into these argument structs.
#pragma once

#include <string>
#include <vector>

namespace leakmon {

struct KeygenArgs {
  std::string out;
};
int RunKeygen(const KeygenArgs& args);

struct HashIdsArgs {
  std::string key;
  std::string in;
  std::string out;
  std::string region = "FI";  // phone numbers without a country code
  std::string format = "binary";  // binary (mapped by scan and crawl) | text (one line per identifier)
};
int RunHashIds(const HashIdsArgs& args);

struct ScanArgs {
  std::string key;
  std::string ids;
  std::string format = "text";  // text | json
  std::string region = "FI";    // phone numbers without a country code
  std::vector<std::string> inputs;  // files, or "-" for stdin
};
int RunScan(const ScanArgs& args);

struct CrawlArgs {
  std::string config;
  std::string max_runtime;      // "25m": start no fetch after this; empty: no limit
  bool quiet = false;           // summary lines only for sites with news or problems
  bool ignore_backoff = false;  // crawl sites that are backing off after failed runs
};
int RunCrawl(const CrawlArgs& args);

struct FindingsArgs {
  std::string config;
  std::string format = "table";  // table | json | csv
  std::string since;             // YYYY-MM-DD or RFC 3339, optional
  std::string site;              // optional
  std::string severity;          // comma-separated severities, optional
};
int RunFindings(const FindingsArgs& args);

struct DoctorArgs {
  std::string config;
};
int RunDoctor(const DoctorArgs& args);

struct SitesArgs {
  std::string config;
  std::string format = "table";  // table | json | csv
  std::string since;             // findings first seen on or after; sites run since
  std::string site;              // optional
  std::string severity;          // count only findings of these severities
};
int RunSites(const SitesArgs& args);

struct ExportArgs {
  std::string config;
  std::string format = "json";
  std::string out;
  std::string since;
};
int RunExport(const ExportArgs& args);

struct AlertsArgs {
  std::string config;
  std::string action = "list";   // list | test | send
  bool pending = false;          // list: only deliveries not yet sent
  std::string format = "table";  // list: table | json
};
int RunAlerts(const AlertsArgs& args);

}  // namespace leakmon
