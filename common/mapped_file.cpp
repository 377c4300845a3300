#include "common/mapped_file.h"

#include <cerrno>
#include <cstring>
#include <sys/mman.h>
#include <sys/stat.h>

namespace leakmon {

Result<std::shared_ptr<const MappedFile>> MappedFile::Map(int fd, const std::string& path, std::size_t max_bytes) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return Status::IoError(path + ": cannot stat: " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return Status::IoError(path + ": not a regular file");
  const auto size = static_cast<std::size_t>(st.st_size);
  if (size > max_bytes) return Status::LimitExceeded(path + ": larger than " + std::to_string(max_bytes) + " bytes");
  if (size == 0) return std::shared_ptr<const MappedFile>(new MappedFile(nullptr, 0));
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  if (p == MAP_FAILED) return Status::IoError(path + ": cannot map: " + std::strerror(errno));
  return std::shared_ptr<const MappedFile>(new MappedFile(static_cast<const char*>(p), size));
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
}

}  // namespace leakmon
