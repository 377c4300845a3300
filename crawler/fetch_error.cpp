#include "crawler/fetch_error.h"

#include <cstdlib>

namespace leakmon {
namespace {

constexpr ErrorKind kKinds[] = {
    // Reaching Tor.
    {"proxy_unreachable", "the Tor SOCKS proxy did not accept a connection", false},
    {"proxy", "the SOCKS handshake with Tor failed", false},
    // SOCKS5 replies (RFC 1928) as Tor uses them.
    {"socks_general_failure", "Tor could not complete the connection (general failure)", true},
    {"socks_not_allowed", "Tor's exit policy does not allow the connection", false},
    {"socks_network_unreachable", "Tor: network unreachable", false},
    {"socks_host_unreachable", "Tor: host unreachable or not resolvable", false},
    {"socks_connection_refused", "the site refused the connection (service up, web server not)", false},
    {"socks_ttl_expired", "Tor timed out building the connection", true},
    {"socks_unsupported", "Tor refused the SOCKS request type", false},
    // Tor's extended SOCKS errors for onion services.
    {"onion_not_found", "onion service not found (no descriptor: the site is down or gone)", false},
    {"onion_descriptor_invalid", "the onion service's descriptor is invalid", false},
    {"onion_intro_failed", "onion service introduction failed", true},
    {"onion_rendezvous_failed", "onion service rendezvous failed", true},
    {"onion_auth_missing", "the onion service requires client authorization", false},
    {"onion_auth_wrong", "the onion service rejected the client authorization", false},
    {"onion_address_invalid", "invalid onion address", false},
    {"onion_intro_timeout", "onion service introduction timed out", true},
    // The HTTP exchange.
    {"timeout", "the request took longer than the configured timeouts", true},
    {"too_slow", "the transfer stayed below the low-speed limit", true},
    {"transfer", "the connection broke during the transfer", true},
    {"tls", "TLS handshake or certificate failure", false},
    {"http", "the site answered with an HTTP error status", false},
    {"too_large", "the body exceeded max_body_bytes", false},
    {"redirect", "more redirects than max_redirects", false},
    {"out_of_scope", "a redirect or raw URL outside the site's hosts, or not http/https", false},
    {"protocol", "a URL or redirect with a protocol other than http/https", false},
    {"content", "the content could not be read (type, size or encoding)", false},
    {"interrupted", "the run stopped before the fetch finished", false},
};

}  // namespace

const ErrorKind* AllErrorKinds(std::size_t* count) {
  *count = sizeof kKinds / sizeof kKinds[0];
  return kKinds;
}

const ErrorKind* FindErrorKind(std::string_view name) {
  for (const ErrorKind& k : kKinds) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

bool IsTransientError(std::string_view kind) {
  const ErrorKind* k = FindErrorKind(kind);
  return k && k->transient;
}

std::string_view SocksReplyKind(int code) {
  switch (code) {
    case 0x01: return "socks_general_failure";
    case 0x02: return "socks_not_allowed";
    case 0x03: return "socks_network_unreachable";
    case 0x04: return "socks_host_unreachable";
    case 0x05: return "socks_connection_refused";
    case 0x06: return "socks_ttl_expired";
    case 0x07:
    case 0x08: return "socks_unsupported";
    case 0xF0: return "onion_not_found";
    case 0xF1: return "onion_descriptor_invalid";
    case 0xF2: return "onion_intro_failed";
    case 0xF3: return "onion_rendezvous_failed";
    case 0xF4: return "onion_auth_missing";
    case 0xF5: return "onion_auth_wrong";
    case 0xF6: return "onion_address_invalid";
    case 0xF7: return "onion_intro_timeout";
    default: return "proxy";
  }
}

std::optional<int> SocksReplyCodeInMessage(std::string_view message) {
  // "... connection to <host>. (240)"
  std::size_t close = message.rfind(')');
  std::size_t open = message.rfind('(', close);
  if (close == std::string_view::npos || open == std::string_view::npos || close - open < 2 || close - open > 4) {
    return std::nullopt;
  }
  int code = 0;
  for (std::size_t i = open + 1; i < close; ++i) {
    if (message[i] < '0' || message[i] > '9') return std::nullopt;
    code = code * 10 + (message[i] - '0');
  }
  if (code > 255) return std::nullopt;
  return code;
}

bool IsTransientHttpStatus(long status) { return status == 429 || (status >= 500 && status <= 599); }

}  // namespace leakmon
