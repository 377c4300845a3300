// The error kinds recorded against a page when a fetch fails, and how the
// crawler treats each. The kind strings are stable: they are stored in the
// database and shown by `leakmon sites` and the run summary.
//
// Tor reports onion-service failures as SOCKS5 reply codes when its
// SocksPort has the ExtendedErrors flag (leakmon's launched tor does; set it
// on an external tor: "SocksPort 9050 ExtendedErrors"). libcurl reports
// them through CURLINFO_PROXY_ERROR as CURLPX_REPLY_UNASSIGNED and puts the
// code itself in its error message; SocksReplyKind maps both.
#pragma once

#include <optional>
#include <string_view>

namespace leakmon {

struct ErrorKind {
  std::string_view name;         // "onion_not_found"
  std::string_view description;  // "onion service not found (no descriptor)"
  bool transient;                // worth retrying within the run
};

// Every kind leakmon records, for docs, `leakmon sites` and tests.
const ErrorKind* AllErrorKinds(std::size_t* count);

// The kind named `name`; nullptr when unknown.
const ErrorKind* FindErrorKind(std::string_view name);

// Whether a failure of this kind is worth retrying within the run
// (timeouts, resets, Tor circuit failures, HTTP 429/5xx...).
bool IsTransientError(std::string_view kind);

// The error kind for a SOCKS5 reply code: RFC 1928's 1..8 and Tor's
// extended 0xF0..0xF7. Unknown codes are "proxy".
std::string_view SocksReplyKind(int code);

// The reply code in libcurl's "Can't complete SOCKS5 connection to X. (240)".
std::optional<int> SocksReplyCodeInMessage(std::string_view message);

// Whether an HTTP error status (recorded as kind "http") is worth retrying
// within the run: 429 and 5xx.
bool IsTransientHttpStatus(long status);

}  // namespace leakmon
