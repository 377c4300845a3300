// MappedFile: a whole file mapped read-only into memory, for large files
// read in place (the binary identifier file) instead of copied into fresh
// memory.
//
// Open() maps the file as it is at that moment, with its pages read in at
// once (MAP_POPULATE). The mapping lives as long as the MappedFile. A
// mapping shows later writes to the same file, and touching a page that a
// truncation removed raises SIGBUS: map only files that are replaced by
// rename (WriteFileAtomic does that) and never written in place. Errors name
// the path. Thread-safe once opened (read-only).
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>

#include "common/result.h"

namespace leakmon {

class MappedFile {
 public:
  // Fails with kNotFound when the file does not exist, kLimitExceeded when
  // it is larger than `max_bytes`, kIoError otherwise. An empty file gives
  // an empty span.
  static Result<std::shared_ptr<const MappedFile>> Open(const std::string& path, std::size_t max_bytes);
  // The same for a file already open for reading (the caller keeps `fd`;
  // the mapping does not need it to stay open). `path` names it in errors.
  static Result<std::shared_ptr<const MappedFile>> Map(int fd, const std::string& path, std::size_t max_bytes);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::span<const char> bytes() const { return {data_, size_}; }

 private:
  MappedFile(const char* data, std::size_t size) : data_(data), size_(size) {}
  const char* data_;
  std::size_t size_;
};

}  // namespace leakmon
