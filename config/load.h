// Loads a leakmon TOML config file into a Config (options.h).
//
// Load checks syntax, key names and value types, and resolves relative paths
// against the config file's directory. It does not check meaning (patterns,
// URLs, proxies): that is Validate (validate.h). Every error names the file,
// the line where known, and the key, e.g.
//   "leakmon.toml:14: site[1].max_pages: expected an integer".
// The file is bounded to kMaxConfigBytes.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "config/options.h"

namespace leakmon {

inline constexpr std::size_t kMaxConfigBytes = 1 << 20;

// Reads and parses `path`.
Result<Config> LoadConfigFile(const std::string& path);

// Parses `text` as if read from `path` (used for messages and relative paths).
Result<Config> ParseConfig(std::string_view text, const std::string& path);

}  // namespace leakmon
