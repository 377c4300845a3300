// leakmon: dark-web leak monitor. Command-line entry point.
//
// Parses the command line (CLI11) and runs one subcommand. This is the only
// place exceptions are caught: anything a library throws ends here as exit 1.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <curl/curl.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "common/memory.h"

#include "app/commands.h"
#include "app/console.h"
#include "app/exit_codes.h"
#include "leakmon_version.h"

namespace {

constexpr const char* kExitCodesHelp =
    "Exit codes:\n"
    "  0  ok (also: another crawl was already running)\n"
    "  1  runtime failure, e.g. Tor unreachable or not bootstrapped, database not\n"
    "     writable, or the crawl was interrupted by SIGTERM/SIGINT (progress is kept)\n"
    "  2  usage error: bad command line, config, key or identifier file\n"
    "  3  crawl finished, but at least one site failed\n";

// Page text lives in this process's memory while it is scanned: never let it
// reach a core file.
void DisableCoreDumps() {
  rlimit none{0, 0};
  setrlimit(RLIMIT_CORE, &none);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int Main(int argc, char** argv) {
  using namespace leakmon;
  CLI::App app{"leakmon: warns an organization when its people's identifiers appear on onion leak sites"};
  app.set_version_flag("--version", std::string("leakmon ") + LEAKMON_VERSION);
  app.footer(kExitCodesHelp);
  app.require_subcommand(1);
  app.fallthrough();  // global flags such as -v may follow the subcommand
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "Print progress for every page on stderr");

  KeygenArgs keygen;
  CLI::App* keygen_cmd = app.add_subcommand("keygen", "Write a new random 256-bit secret key (mode 0600)");
  keygen_cmd->add_option("--out", keygen.out, "Key file to create; never overwritten")->required();

  HashIdsArgs hash_ids;
  CLI::App* hash_cmd = app.add_subcommand("hash-ids", "Hash a kind,value,ref CSV into an identifier file");
  hash_cmd->add_option("--key", hash_ids.key, "Key file from keygen")->required();
  hash_cmd->add_option("--in", hash_ids.in, "CSV with the header kind,value,ref")->required();
  hash_cmd->add_option("--out", hash_ids.out, "Identifier file to write")->required();
  hash_cmd->add_option("--region", hash_ids.region, "Region for phone numbers without a country code (default FI)");
  hash_cmd->add_option("--format", hash_ids.format, "binary (default; scan and crawl map it) or text (one line per identifier)");

  ScanArgs scan;
  CLI::App* scan_cmd = app.add_subcommand("scan", "Scan local files or stdin (-) for identifiers");
  scan_cmd->add_option("--key", scan.key, "Key file")->required();
  scan_cmd->add_option("--ids", scan.ids, "Identifier file from hash-ids")->required();
  scan_cmd->add_option("--format", scan.format, "text or json")->check(CLI::IsMember({"text", "json"}));
  scan_cmd->add_option("--region", scan.region, "Region for phone numbers without a country code (default FI)");
  scan_cmd->add_option("inputs", scan.inputs, "Files to scan, or - for stdin")->required();

  CrawlArgs crawl;
  CLI::App* crawl_cmd = app.add_subcommand("crawl", "Crawl the configured sites through Tor and record findings");
  crawl_cmd->add_option("--config", crawl.config, "leakmon.toml")->required();
  crawl_cmd->add_option("--max-runtime", crawl.max_runtime,
                        "Start no new fetch after this long (e.g. 1800, 25m, 2h); fetches in flight get "
                        "[crawl] stop_grace_seconds, then the run ends cleanly and the next one resumes");
  crawl_cmd->add_flag("-q,--quiet", crawl.quiet, "Print only sites with new findings or problems (for cron)");
  crawl_cmd->add_flag("--ignore-backoff", crawl.ignore_backoff,
                      "Also crawl sites that are skipped for a while after failing in several runs");
  crawl_cmd->footer(kExitCodesHelp);

  FindingsArgs findings;
  CLI::App* findings_cmd = app.add_subcommand("findings", "List recorded findings");
  findings_cmd->add_option("--config", findings.config, "leakmon.toml")->required();
  findings_cmd->add_option("--format", findings.format, "table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  findings_cmd->add_option("--since", findings.since, "Only findings first seen on or after this date");
  findings_cmd->add_option("--site", findings.site, "Only findings on this site");
  findings_cmd->add_option("--severity", findings.severity, "Only these severities, e.g. critical,high");

  DoctorArgs doctor;
  CLI::App* doctor_cmd = app.add_subcommand(
      "doctor", "Check that a crawl could run: config, key and identifiers, database, Tor (SOCKS, bootstrap)");
  doctor_cmd->add_option("--config", doctor.config, "leakmon.toml")->required();
  doctor_cmd->footer("Exit codes: 0 all checks passed, 1 database or Tor check failed, 2 config, key or identifier file wrong");

  SitesArgs sites;
  CLI::App* sites_cmd = app.add_subcommand("sites", "Show each site's status and findings");
  sites_cmd->add_option("--config", sites.config, "leakmon.toml")->required();
  sites_cmd->add_option("--format", sites.format, "table, json or csv")->check(CLI::IsMember({"table", "json", "csv"}));
  sites_cmd->add_option("--since", sites.since, "Only sites run since, counting findings first seen since, this date");
  sites_cmd->add_option("--site", sites.site, "Only this site");
  sites_cmd->add_option("--severity", sites.severity, "Count only findings of these severities, e.g. critical,high");

  ExportArgs export_args;
  CLI::App* export_cmd = app.add_subcommand("export", "Write findings to a file for dashboards");
  export_cmd->add_option("--config", export_args.config, "leakmon.toml")->required();
  export_cmd->add_option("--format", export_args.format, "json, ndjson, csv, stix, prometheus or html")
      ->check(CLI::IsMember({"json", "ndjson", "csv", "stix", "prometheus", "html"}));
  export_cmd->add_option("--out", export_args.out, "File to write (atomically)")->required();
  export_cmd->add_option("--since", export_args.since, "Only findings first seen on or after this date");

  AlertsArgs alerts;
  CLI::App* alerts_cmd = app.add_subcommand("alerts", "List the alert outbox; `alerts test` / `alerts send`");
  alerts_cmd->add_option("--config", alerts.config, "leakmon.toml");
  alerts_cmd->add_flag("--pending", alerts.pending, "Only alerts not yet delivered to every channel");
  alerts_cmd->add_option("--format", alerts.format, "table or json")->check(CLI::IsMember({"table", "json"}));
  alerts_cmd->require_subcommand(0, 1);
  CLI::App* alerts_test_cmd = alerts_cmd->add_subcommand("test", "Send a test message to every alert channel");
  alerts_test_cmd->add_option("--config", alerts.config, "leakmon.toml")->required();
  CLI::App* alerts_send_cmd = alerts_cmd->add_subcommand("send", "Send the alerts that are due now");
  alerts_send_cmd->add_option("--config", alerts.config, "leakmon.toml")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  SetVerbose(verbose);

  if (*keygen_cmd) return RunKeygen(keygen);
  if (*hash_cmd) return RunHashIds(hash_ids);
  if (*scan_cmd) return RunScan(scan);
  if (*crawl_cmd) return RunCrawl(crawl);
  if (*findings_cmd) return RunFindings(findings);
  if (*export_cmd) return RunExport(export_args);
  if (*sites_cmd) return RunSites(sites);
  if (*doctor_cmd) return RunDoctor(doctor);
  if (*alerts_cmd) {
    if (*alerts_test_cmd) alerts.action = "test";
    if (*alerts_send_cmd) alerts.action = "send";
    if (alerts.config.empty()) {
      std::fprintf(stderr, "leakmon: error: alerts: --config is required\n");
      return kExitUsage;
    }
    return RunAlerts(alerts);
  }
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  DisableCoreDumps();
  leakmon::ReturnLargeBuffersToTheSystem();
  // A peer that closes early (an alert command, a TLS server) is an error
  // value, never a fatal signal.
  std::signal(SIGPIPE, SIG_IGN);
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    std::fprintf(stderr, "leakmon: error: libcurl failed to initialize\n");
    return leakmon::kExitFailure;
  }
  int rc;
  try {
    rc = Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "leakmon: error: unexpected failure: %s\n", e.what());
    rc = leakmon::kExitFailure;
  } catch (...) {
    std::fprintf(stderr, "leakmon: error: unexpected failure\n");
    rc = leakmon::kExitFailure;
  }
  curl_global_cleanup();
  return rc;
}
