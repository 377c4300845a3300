// leakmon's exit codes. Stable: cron jobs and monitoring depend on them.
// Documented in README.md ("Exit codes") and in `leakmon --help`.
#pragma once

#include "common/status.h"

namespace leakmon {

inline constexpr int kExitOk = 0;           // done (also: another run was in progress)
inline constexpr int kExitFailure = 1;      // runtime failure, e.g. Tor unreachable, database unwritable
inline constexpr int kExitUsage = 2;        // bad command line, config, key or identifier file
inline constexpr int kExitSitesFailed = 3;  // crawl finished but some sites failed

// kExitUsage for errors in what the user gave us, kExitFailure otherwise.
inline int ExitCodeFor(const Status& s) {
  switch (s.code()) {
    case Status::Code::kOk: return kExitOk;
    case Status::Code::kInvalidArgument:
    case Status::Code::kNotFound:
    case Status::Code::kAlreadyExists:
      return kExitUsage;
    default:
      return kExitFailure;
  }
}

}  // namespace leakmon
