// The identifier file: what `leakmon hash-ids` writes and the scanner reads.
//
//   #leakmon-identifiers format=2 scheme=hmac-sha256+siphash-v2 key=<16 hex> max_words=<n>
//   kind,hash,tags,folded,ref
//   email,<64 hex>,<16 hex>,,C-1001
//   name,<64 hex>,<16 hex>;<16 hex>,<64 hex>;<16 hex>;<16 hex>,C-1001
//   vocab,,<16 hex>;<16 hex>;...,,
//
// The first line names the format version, the hashing scheme
// (keyed_hash.h) and the key fingerprint; the second is a CSV header; then
// one line per identifier: its kind, exact keyed hash, first-stage tags (one
// per word rotation for names), for names with diacritics the folded
// variant's hash and tags, and its ref. `vocab` lines carry the vocabulary
// filter's tags of all name and term words. A ref is optional, at most 64
// characters from [A-Za-z0-9._:/#-]: an opaque record id, never personal
// data. No plaintext value appears, and the vocabulary cannot be linked to
// the identifiers without the key (it is tagged with a separate subkey).
//
// Pure text in, text out: reading and writing the file is the caller's job.
// The parser takes the text in chunks of any size, so a loader can stream a
// large file without holding it in memory.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "matcher/canonical.h"
#include "matcher/identifier_set.h"
#include "matcher/keyed_hash.h"

namespace leakmon {

inline constexpr int kIdentifierFormat = 2;

// The first two lines of an identifier file.
std::string IdentifierFileHeader(const KeyedHasher& hasher, std::size_t max_words);

// One identifier line, ending in "\n".
std::string IdentifierFileLine(const HashedIdentifier& id, std::string_view ref);

// Vocabulary lines for these vocab tags, ending in "\n".
std::string VocabularyLines(const std::vector<std::uint64_t>& vocab_tags);

// True when `ref` is acceptable as an opaque record id.
bool IsValidRef(std::string_view ref);

class IdentifierFileParser {
 public:
  // `source` names the file in errors ("ids.csv:7: ..."). `hasher` must
  // outlive the parser.
  IdentifierFileParser(std::string source, const KeyedHasher& hasher);

  // Feeds the next chunk. Fails with a clear message on the first bad line:
  // missing or malformed header, unsupported format or scheme, a key
  // fingerprint that does not match `hasher` (the wrong key), bad fields.
  // After a failure, later calls return the same error.
  Status Feed(std::string_view chunk);

  // Optional: the input's size in bytes, so the set reserves its memory once
  // instead of growing (and briefly holding two copies) while it loads.
  void ExpectBytes(std::size_t bytes);

  // Ends the input and returns the finalized set.
  Result<IdentifierSet> Finish();

 private:
  Status Line(std::string_view line);
  Status Header(std::string_view line);
  Status Row(std::string_view line);
  Status Fail(const std::string& what);
  // Parses one well-formed identifier row at p (ending in "\n" before end)
  // and returns the position after it; nullptr when the row needs Line().
  const char* FastRow(const char* p, const char* end);

  std::string source_;
  const KeyedHasher& hasher_;
  IdentifierSet set_;
  std::string partial_;  // an unfinished line carried between chunks
  std::size_t line_ = 0;
  Status error_;
  bool saw_columns_ = false;
};

// The whole file at once.
Result<IdentifierSet> ParseIdentifierFile(std::string_view text, const std::string& source,
                                          const KeyedHasher& hasher);

}  // namespace leakmon
