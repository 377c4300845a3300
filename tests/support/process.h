// Runs a program (the real leakmon binary, usually) and captures its output.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace leakmon::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 if killed by a signal or timed out
  int signal = 0;      // the signal that ended it, if any
  long max_rss_kb = 0;  // the child's peak resident set size
  bool core_dumped = false;  // the kernel reports it wrote a core dump
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
  uid_t uid = static_cast<uid_t>(-1);  // run as this user (and group `uid`), if set; needs root
  bool unlimited_core = false;         // raise RLIMIT_CORE to unlimited before exec
};

// A running child process. Its output is collected by a background thread
// until it exits; Wait() returns it. Destroying a Subprocess that was not
// waited for kills the child with SIGKILL and reaps it.
class Subprocess {
 public:
  Subprocess(const std::vector<std::string>& argv, const ProcessOptions& options = {});
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  // True until the child has exited (it is not reaped: Wait() still works).
  bool Running() const;
  // Sends `sig` to the child, unless it has been reaped already.
  void Kill(int sig);
  // Waits for the child to exit (SIGKILL at the timeout) and returns its output.
  ProcessResult Wait();

 private:
  pid_t pid_ = -1;
  bool waited_ = false;
  struct Io;
  std::unique_ptr<Io> io_;
  std::thread reader_;
};

ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// Path of the leakmon binary under test (set by CMake as LEAKMON_BINARY).
std::string LeakmonBinary();

}  // namespace leakmon::testing
