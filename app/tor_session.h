// The Tor a crawl goes through, made ready before the first fetch:
//   - `[tor] launch = true`: a private tor (crawler/tor_process.h), started
//     and bootstrapped; it stops when the TorSession is destroyed;
//   - otherwise the external tor at `[tor] proxy`: it must answer a SOCKS5
//     handshake, and when `[tor] control` is set, report bootstrap 100%
//     within `bootstrap_timeout_seconds`.
// Fails with kUnavailable (exit code 1) and a message that says what is
// wrong with Tor; nothing has been fetched at that point.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "config/options.h"
#include "crawler/tor_process.h"

namespace leakmon {

struct TorSession {
  std::string proxy;                  // socks5h://host:port for every request
  std::unique_ptr<TorProcess> owned;  // the launched tor, if any
};

Result<TorSession> PrepareTor(const TorOptions& options);

// Connects to an external tor's control port and checks bootstrap,
// waiting up to `timeout_seconds` for 100%.
Status CheckExternalBootstrap(const std::string& control, std::int64_t timeout_seconds);

}  // namespace leakmon
