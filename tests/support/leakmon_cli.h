// Helpers for tests that drive the real leakmon binary.
#pragma once

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

}  // namespace leakmon::testing
