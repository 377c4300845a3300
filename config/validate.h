// Checks that a loaded Config means something leakmon can run safely.
//
// Returns the first problem found, naming the file and key:
//   "leakmon.toml: site[0].items: pattern does not compile: missing )".
// Rules: the proxy is socks5h://host:port; every site has a unique name, at
// least one start URL and an items pattern; patterns compile with RE2; start
// URLs are http(s) on a v3 .onion host; limits are positive.
#pragma once

#include "common/status.h"
#include "config/options.h"

namespace leakmon {

Status ValidateConfig(const Config& config);

// True for "<56 base32 chars>.onion" (a v3 onion service name), any case.
bool IsV3OnionHost(std::string_view host);

}  // namespace leakmon
