// Email addresses and domains: canonical forms. Pure functions.
//
//   email         trimmed, NFKC, lowercase; local@domain with an RFC 5322
//                 dot-atom local part (at most 64 bytes) and a domain of two
//                 or more labels, written as an IDNA 2008 A-label
//                 ("xn--mkinen-bua.fi"). For gmail.com and googlemail.com
//                 only, Gmail's own folding: dots in the local part and a
//                 "+tag" are dropped, and the domain becomes gmail.com.
//   email_domain  the domain alone, canonicalized the same way.
//
// Errors never quote the value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace leakmon {

Result<std::string> CanonicalizeEmail(std::string_view value);

// A domain (an optional leading "@" is ignored).
Result<std::string> CanonicalizeDomain(std::string_view value);

// The canonical address with its "+tag" removed ("a+news@x.fi" -> "a@x.fi");
// empty when it has none. The scanner probes both.
std::string EmailWithoutTag(std::string_view canonical_email);

// A canonical domain and its parents, down to two labels:
// "a.b.example.fi" -> {"a.b.example.fi", "b.example.fi", "example.fi"}.
std::vector<std::string_view> DomainAndParents(std::string_view canonical_domain);

}  // namespace leakmon
