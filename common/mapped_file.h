// MappedFile: a whole file mapped read-only into memory, for large files
// read in place (the binary identifier file) instead of copied into fresh
// memory.
//
// Map() maps the file as it is at that moment, with its pages read in at
// once (MAP_POPULATE). The mapping lives as long as the MappedFile. A
// mapping shows later writes to the same file, and touching a page that a
// truncation removed raises SIGBUS: map only files that are replaced by
// rename (WriteFileAtomic does that) and never written in place. Errors name
// the path. Thread-safe once mapped (read-only).
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>

#include "common/result.h"

namespace leakmon {

class MappedFile {
 public:
  // Maps the file open for reading at `fd` (the caller keeps `fd`; the
  // mapping does not need it to stay open; opening it, and telling a
  // missing file from others, is the caller's). `path` names it in errors.
  // Fails with kLimitExceeded when the file is larger than `max_bytes`,
  // kIoError when it is not a regular file or cannot be mapped. An empty
  // file gives an empty span.
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
