// Small, bounded file operations shared by every module.
//
// All functions return errors as values and name the path in the message.
// None of them logs. Contents passed in or out are never echoed in errors.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "common/result.h"

namespace leakmon {

// Reads the whole file at `path`. Fails with kLimitExceeded when the file is
// larger than `max_bytes`, kNotFound when it does not exist.
Result<std::string> ReadFileBounded(const std::string& path, std::size_t max_bytes);

// Creates `path` with `mode` and writes `data`. Fails with kAlreadyExists if
// the path exists (O_EXCL): never overwrites. The file is fsynced.
Status WriteNewFile(const std::string& path, std::string_view data, mode_t mode);

// Writes `data` to a temporary file beside `path` (same directory, mode
// `mode`), fsyncs it and renames it over `path`. Readers see the old or the
// new content, never a partial file. The temporary is removed on failure.
Status WriteFileAtomic(const std::string& path, std::string_view data, mode_t mode = 0644);

// Joins `path` onto the directory of `base_file` unless `path` is absolute.
std::string ResolveRelativeTo(const std::string& base_file, const std::string& path);

// True when the two paths name the same existing file (same device and inode).
bool SameFile(const std::string& a, const std::string& b);

}  // namespace leakmon
