// RunLock: at most one crawl per database at a time.
//
// An exclusive, non-blocking flock() on "<database>.lock". The kernel drops
// the lock when the process exits, however it exits, so a killed run never
// leaves a stale lock behind. The file itself stays; it holds nothing.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "common/unique_fd.h"

namespace leakmon {

class RunLock {
 public:
  // kAlreadyExists when another process holds the lock.
  static Result<std::unique_ptr<RunLock>> Acquire(const std::string& path);

 private:
  explicit RunLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;  // closing it releases the lock
};

}  // namespace leakmon
