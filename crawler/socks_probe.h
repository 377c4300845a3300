// Checks, before a crawl, that the configured SOCKS proxy is there and
// speaks SOCKS5: connect, offer "no authentication", expect the SOCKS5
// method reply. Nothing is requested through it.
//
// Returns kUnavailable with a message naming the proxy address when the
// connection is refused, times out, or the peer is not a SOCKS5 server.
#pragma once

#include <string>

#include "common/status.h"

namespace leakmon {

// `proxy_url` is "socks5h://host:port".
Status ProbeSocks5(const std::string& proxy_url, int timeout_ms = 10000);

}  // namespace leakmon
