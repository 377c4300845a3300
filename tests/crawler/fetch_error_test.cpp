// Error kinds: SOCKS reply codes (RFC 1928 and Tor's ExtendedErrors) and
// libcurl's message format for codes it does not know.
#include "crawler/fetch_error.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>

using namespace leakmon;

TEST_CASE("SOCKS reply codes map to distinct error kinds") {
  // Codes: RFC 1928 section 6; Tor's extended codes: tor's socks-extensions.txt.
  struct Case {
    int code;
    std::string kind;
    bool transient;
  };
  auto c = GENERATE(values<Case>({
      {0x01, "socks_general_failure", true},
      {0x04, "socks_host_unreachable", false},
      {0x05, "socks_connection_refused", false},
      {0x06, "socks_ttl_expired", true},
      {0xF0, "onion_not_found", false},
      {0xF1, "onion_descriptor_invalid", false},
      {0xF2, "onion_intro_failed", true},
      {0xF3, "onion_rendezvous_failed", true},
      {0xF4, "onion_auth_missing", false},
      {0xF5, "onion_auth_wrong", false},
      {0xF6, "onion_address_invalid", false},
      {0xF7, "onion_intro_timeout", true},
      {0x42, "proxy", false},
  }));
  CHECK(SocksReplyKind(c.code) == c.kind);
  CHECK(IsTransientError(c.kind) == c.transient);
  CHECK(FindErrorKind(c.kind) != nullptr);
}

TEST_CASE("The reply code is read from libcurl's SOCKS5 message") {
  CHECK(SocksReplyCodeInMessage("Can't complete SOCKS5 connection to abc.onion. (240)") == 240);
  CHECK(SocksReplyCodeInMessage("Can't complete SOCKS5 connection to abc.onion. (1)") == 1);
  CHECK_FALSE(SocksReplyCodeInMessage("Can't complete SOCKS5 connection to abc.onion.").has_value());
  CHECK_FALSE(SocksReplyCodeInMessage("weird (99999)").has_value());
  CHECK_FALSE(SocksReplyCodeInMessage("weird (x1)").has_value());
}

TEST_CASE("Every error kind is named once and described") {
  std::size_t n = 0;
  const ErrorKind* kinds = AllErrorKinds(&n);
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < n; ++i) {
    CHECK(names.insert(kinds[i].name).second);
    CHECK_FALSE(kinds[i].description.empty());
  }
  CHECK(IsTransientHttpStatus(503));
  CHECK(IsTransientHttpStatus(429));
  CHECK_FALSE(IsTransientHttpStatus(404));
}
