// Canonical forms of identifiers: one function per kind, called both by
// `leakmon hash-ids` (on the organization's list) and by the scanner (on
// candidates found in pages). Two spellings of one identifier must map to
// the same canonical string, or the keyed hashes will not meet.
//
// Failures are kInvalidArgument with a reason that never quotes the value,
// since the value may be personal data: "not an email address".
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "matcher/kind.h"

namespace leakmon {

// email: trimmed, NFKC, lowercase; must look like local@domain.tld.
Result<std::string> CanonicalizeEmail(std::string_view value);

// name, term: NFKC + case folding; words (see CanonicalWords) joined by one
// space. Fails when no word is left.
Result<std::string> CanonicalizeWords(std::string_view value);

// Dispatches on `kind`.
Result<std::string> Canonicalize(Kind kind, std::string_view value);

}  // namespace leakmon
