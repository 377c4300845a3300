// Runs a program (the real leakmon binary, usually) and captures its output.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace leakmon::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 if killed by a signal or timed out
  int signal = 0;      // the signal that ended it, if any
  long max_rss_kb = 0;  // the child's peak resident set size
  std::string out;
  std::string err;
};

struct ProcessOptions {
  std::string cwd;                          // empty: inherit
  std::map<std::string, std::string> env;   // set on top of the inherited environment
  std::vector<std::string> unset_env;       // removed from the inherited environment
  std::string stdin_data;
  std::chrono::milliseconds timeout{120000};  // SIGKILL after this
  // Called with the child's pid once it runs (e.g. to signal it from another thread).
  std::function<void(int pid)> on_start;
};

ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// Path of the leakmon binary under test (set by CMake as LEAKMON_BINARY).
std::string LeakmonBinary();

}  // namespace leakmon::testing
