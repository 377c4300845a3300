// leakmon scan: scans local files or stdin for the organization's
// identifiers. Prints one line per identifier found (source, kind, ref, a
// 12-digit hash prefix, count, severity, strength, and "record" when the
// ref makes a record match in that input), never any scanned text.
#include "app/commands.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "app/console.h"
#include "app/exit_codes.h"
#include "app/page_findings.h"
#include "app/secrets.h"
#include "common/files.h"
#include "crawler/content.h"
#include "matcher/scanner.h"

namespace leakmon {
namespace {

constexpr std::size_t kMaxInputBytes = 256 * 1024 * 1024;

Result<std::string> ReadStdin(std::size_t max_bytes) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError("cannot read standard input");
    }
    if (n == 0) return out;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
      return Status::LimitExceeded("standard input is larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace

int RunScan(const ScanArgs& args) {
  if (args.format != "text" && args.format != "json") {
    return ReportError(Status::InvalidArgument("--format must be text or json"));
  }
  Result<LoadedIdentifiers> loaded = LoadIdentifiers(args.key, args.ids);
  if (!loaded.ok()) return ReportError(loaded.status());
  MatcherOptions matcher;
  matcher.default_region = args.region;
  Result<std::unique_ptr<Scanner>> scanner =
      Scanner::Create(*loaded->hasher, loaded->ids, ScanOptionsFrom(matcher, kMaxInputBytes));
  if (!scanner.ok()) return ReportError(Status::InvalidArgument("--region: " + scanner.status().message()));
  const SeverityOptions severity = SeverityOptionsFrom(matcher);
  HtmlLimits limits;
  limits.max_input_bytes = kMaxInputBytes;
  limits.max_text_bytes = kMaxInputBytes;

  int exit_code = kExitOk;
  for (const std::string& input : args.inputs) {
    const bool is_stdin = input == "-";
    const std::string source = is_stdin ? "stdin" : input;
    Result<std::string> body = is_stdin ? ReadStdin(kMaxInputBytes) : ReadFileBounded(input, kMaxInputBytes);
    if (!body.ok()) {
      ReportError(body.status());
      exit_code = kExitFailure;
      continue;
    }
    Result<std::string> text = DocumentText(*body, "", limits);
    if (!text.ok()) {
      ReportError(text.status().WithContext(source));
      exit_code = kExitFailure;
      continue;
    }
    for (const FindingRecord& f : PageFindings((*scanner)->Scan(*text), loaded->ids, severity)) {
      std::string prefix = f.hash.substr(0, 12);
      if (args.format == "json") {
        nlohmann::json j{{"source", source},     {"kind", f.kind},         {"ref", f.ref},
                         {"hash_prefix", prefix}, {"count", f.count},      {"severity", f.severity},
                         {"strength", f.strength}, {"record", f.record}};
        std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
      } else {
        std::printf("%s\t%s\t%s\t%s\t%lld\t%s\t%s%s\n", source.c_str(), f.kind.c_str(),
                    f.ref.empty() ? "-" : f.ref.c_str(), prefix.c_str(), static_cast<long long>(f.count),
                    f.severity.c_str(), f.strength.c_str(), f.record ? "\trecord" : "");
      }
    }
  }
  return exit_code;
}

}  // namespace leakmon
