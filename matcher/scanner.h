// The scanner: finds the organization's identifiers in a page's text.
//
// Text in, matches out; no I/O. Candidates are canonicalized with the same
// functions hash-ids used (canonical.h), hashed with the shared key and
// looked up in the IdentifierSet:
//   - emails: extracted from the NFKC text with RE2, then canonicalized;
//   - names and terms: every word n-gram of the canonical words, n up to
//     the set's max_words.
// A Match names the identifier (kind, primary hash, ref) and how often it
// occurred; it holds no text and no offsets.
//
// Build once, scan many pages; Scan() is const and thread-safe. The hasher
// and the set must outlive the scanner.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "matcher/identifier_set.h"
#include "matcher/keyed_hash.h"
#include "matcher/severity.h"

namespace leakmon {

struct Match {
  std::uint32_t id;      // index into the IdentifierSet
  std::uint32_t count;   // occurrences in the scanned text
  // kFolded when every occurrence matched only the weaker folded variant.
  Strength strength = Strength::kExact;
};

struct ScanOptions {
  // Bytes of text scanned; the rest is ignored (callers record truncation).
  std::size_t max_text_bytes = 64 * 1024 * 1024;
};

class Scanner {
 public:
  Scanner(const KeyedHasher& hasher, const IdentifierSet& ids, ScanOptions options = {});
  ~Scanner();
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  // Matches sorted by id, one per identifier found.
  std::vector<Match> Scan(std::string_view text) const;

 private:
  struct Patterns;
  const KeyedHasher& hasher_;
  const IdentifierSet& ids_;
  ScanOptions options_;
  std::unique_ptr<Patterns> patterns_;
};

}  // namespace leakmon
