#include "app/run_lock.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace leakmon {

Result<std::unique_ptr<RunLock>> RunLock::Acquire(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd.valid()) return Status::IoError("cannot open lock file " + path + ": " + std::strerror(errno));
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return Status::AlreadyExists("another run is in progress");
    return Status::IoError("cannot lock " + path + ": " + std::strerror(errno));
  }
  return std::unique_ptr<RunLock>(new RunLock(std::move(fd)));
}

}  // namespace leakmon
