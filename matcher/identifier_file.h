// The identifier file: what `leakmon hash-ids` writes and the scanner reads.
//
//   #leakmon-identifiers format=1 scheme=hmac-sha256-v1 key=<16 hex> max_words=<n>
//   kind,hash,ref
//   email,<64 hex>,C-1001
//   name,<64 hex>[;<64 hex>...],C-1001
//
// The first line names the format version, the hashing scheme and the key
// fingerprint (keyed_hash.h); the second is a CSV header; then one line per
// identifier. A ref is optional, at most 64 characters from [A-Za-z0-9._:/#-]:
// an opaque record id, never personal data. No plaintext value appears.
//
// Pure text in, text out: reading and writing the file is the caller's job.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "matcher/identifier_set.h"
#include "matcher/keyed_hash.h"

namespace leakmon {

inline constexpr int kIdentifierFormat = 1;

// The first two lines of an identifier file.
std::string IdentifierFileHeader(const KeyedHasher& hasher, std::size_t max_words);

// One identifier line, ending in "\n".
std::string IdentifierFileLine(Kind kind, const std::vector<Digest>& hashes, std::string_view ref);

// True when `ref` is acceptable as an opaque record id.
bool IsValidRef(std::string_view ref);

// Parses an identifier file. `source` names it in errors ("ids.csv:7: ...").
// Fails with a clear message when the header is missing or malformed, when the
// format or scheme is not supported, or when the key fingerprint does not
// match `hasher` (the scanner was given the wrong key).
Result<IdentifierSet> ParseIdentifierFile(std::string_view text, const std::string& source,
                                          const KeyedHasher& hasher);

}  // namespace leakmon
