#include "common/files.h"

#include "common/unique_fd.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace leakmon {
namespace {

std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(Errno("cannot write", path));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd) != 0) return Status::IoError(Errno("cannot fsync", path));
  return Status::Ok();
}

}  // namespace

Result<std::string> ReadFileBounded(const std::string& path, std::size_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return Status::NotFound(path + ": no such file");
    return Status::IoError(Errno("cannot open", path));
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(Errno("cannot read", path));
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
      return Status::LimitExceeded(path + ": larger than the limit of " + std::to_string(max_bytes) +
                                   " bytes");
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

Status WriteNewFile(const std::string& path, std::string_view data, mode_t mode) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
  if (fd.get() < 0) {
    if (errno == EEXIST) return Status::AlreadyExists(path + ": already exists; refusing to overwrite it");
    return Status::IoError(Errno("cannot create", path));
  }
  // The umask may have narrowed the mode; set it exactly.
  if (::fchmod(fd.get(), mode) != 0) return Status::IoError(Errno("cannot chmod", path));
  Status s = WriteAll(fd.get(), data, path);
  if (!s.ok()) {
    ::unlink(path.c_str());
    return s;
  }
  if (fd.Close() != 0) return Status::IoError(Errno("cannot close", path));
  return Status::Ok();
}

Status WriteFileAtomic(const std::string& path, std::string_view data, mode_t mode) {
  std::random_device rd;
  std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(rd());
  {
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
    if (fd.get() < 0) return Status::IoError(Errno("cannot create", tmp));
    Status s = Status::Ok();
    if (::fchmod(fd.get(), mode) != 0) s = Status::IoError(Errno("cannot chmod", tmp));
    if (s.ok()) s = WriteAll(fd.get(), data, tmp);
    if (s.ok() && fd.Close() != 0) s = Status::IoError(Errno("cannot close", tmp));
    if (!s.ok()) {
      ::unlink(tmp.c_str());
      return s;
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = Status::IoError(Errno("cannot rename onto", path));
    ::unlink(tmp.c_str());
    return s;
  }
  return Status::Ok();
}

std::string ResolveRelativeTo(const std::string& base_file, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  std::filesystem::path dir = std::filesystem::path(base_file).parent_path();
  if (dir.empty()) return path;
  return (dir / p).lexically_normal().string();
}

bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

}  // namespace leakmon
