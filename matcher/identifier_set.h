// The organization's identifiers as the scanner knows them: keyed hashes
// with their kind and opaque ref, indexed for lookup by hash.
//
// Build with Add() then Finalize(); after Finalize() the set is immutable
// and safe to share between threads. Find() before Finalize() is a bug.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "matcher/keyed_hash.h"
#include "matcher/kind.h"

namespace leakmon {

struct Identifier {
  Kind kind;
  Digest hash;      // the primary hash, reported in findings
  std::string ref;  // opaque record id; may be empty
};

class IdentifierSet {
 public:
  struct Posting {
    Digest hash;        // one of the identifier's hashes
    std::uint32_t id;   // index into identifiers()
  };

  // Adds an identifier reachable through each of `hashes`; the first is its
  // primary hash. `words` is the canonical word count for name/term kinds.
  void Add(Kind kind, const std::vector<Digest>& hashes, std::string ref, std::size_t words);

  // Sorts the index. Call once, after the last Add().
  void Finalize();

  // Postings whose hash equals `hash` (empty if none).
  std::span<const Posting> Find(const Digest& hash) const;

  const Identifier& identifier(std::uint32_t id) const { return identifiers_[id]; }
  std::size_t size() const { return identifiers_.size(); }

  // The longest name/term, in words: the scanner's n-gram length.
  std::size_t max_words() const { return max_words_; }

  // True if any identifier of `kind` is present.
  bool HasKind(Kind kind) const;

 private:
  std::vector<Identifier> identifiers_;
  std::vector<Posting> postings_;
  std::size_t max_words_ = 0;
  std::uint32_t kinds_mask_ = 0;
  bool finalized_ = false;
};

}  // namespace leakmon
