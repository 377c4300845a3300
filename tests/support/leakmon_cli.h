// Helpers for tests that drive the real leakmon binary.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace leakmon::testing {

inline ProcessOptions Stdin(std::string data) {
  ProcessOptions o;
  o.stdin_data = std::move(data);
  return o;
}

// Runs `leakmon <args...>` in `cwd`.
inline ProcessResult Leakmon(const std::vector<std::string>& args, const std::string& cwd,
                             ProcessOptions options = {}) {
  std::vector<std::string> argv = {LeakmonBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  options.cwd = cwd;
  return RunProcess(argv, options);
}

// Writes people.csv into `dir`, then runs `leakmon keygen` (leakmon.key) and
// `leakmon hash-ids` (identifiers.lmids) there. True when both succeeded.
inline bool MakeKeyAndIdentifiers(const TempDir& dir, const std::string& people_csv) {
  dir.Write("people.csv", people_csv);
  return Leakmon({"keygen", "--out", "leakmon.key"}, dir.path()).exit_code == 0 &&
         Leakmon({"hash-ids", "--key", "leakmon.key", "--in", "people.csv", "--out", "identifiers.lmids"}, dir.path())
                 .exit_code == 0;
}

// Starts `leakmon <args...>` in `cwd` without waiting for it.
inline std::unique_ptr<Subprocess> StartLeakmon(const std::vector<std::string>& args, const std::string& cwd,
                                                ProcessOptions options = {}) {
  std::vector<std::string> argv = {LeakmonBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  options.cwd = cwd;
  return std::make_unique<Subprocess>(argv, options);
}

}  // namespace leakmon::testing
