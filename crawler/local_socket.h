// Blocking socket helpers with deadlines, for leakmon's own conversations
// with local Tor endpoints (the SOCKS probe, the control port). Never used
// for crawl traffic, which goes through libcurl and the SOCKS proxy only.
//
// Every call waits at most its timeout; none raises SIGPIPE. Errors are
// kUnavailable with a short reason ("connection refused", "timed out").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/unique_fd.h"

namespace leakmon {

// Connects to `host`:`port` (a name, IPv4 or IPv6 literal without brackets),
// trying each address in turn.
Result<UniqueFd> ConnectTcp(const std::string& host, int port, int timeout_ms);

// Connects to the Unix domain socket at `path`.
Result<UniqueFd> ConnectUnix(const std::string& path, int timeout_ms);

// Writes all of `data`.
Status SendAll(int fd, std::string_view data, int timeout_ms);

// Reads what is available (at most `max` bytes) into `out`, waiting up to
// `timeout_ms` for the first byte. Returns the number of bytes read; 0 means
// the peer closed the connection.
Result<std::size_t> ReceiveSome(int fd, std::string* out, std::size_t max, int timeout_ms);

}  // namespace leakmon
