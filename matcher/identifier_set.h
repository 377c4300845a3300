// The organization's identifiers as the scanner knows them: per identifier
// its kind, exact keyed hash and opaque ref; and the first-stage index of
// 64-bit tags (keyed_hash.h) through which the scanner finds them.
//
// A posting maps one tag to one identifier, with the form it stands for:
// which rotation of a name's words ("virtanen matti" is rotation 1 of
// "matti virtanen") and whether it is the weaker diacritic-folded variant.
// The vocabulary holds the vocab tags of every word of every name and term
// (exact and folded), so the scanner hashes n-grams only over runs of words
// that can be part of one.
//
// Memory per identifier: 37 bytes plus its ref, plus 12 bytes per posting
// and about 6 per posting for the index. Build with Add*() then Finalize();
// after Finalize() the set is immutable and safe to share between threads.
// Find() before Finalize() is a bug (it aborts).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "matcher/keyed_hash.h"
#include "matcher/kind.h"

namespace leakmon {

struct IdentifierView {
  Kind kind;
  const Digest& hash;    // the exact keyed hash of the canonical form, reported in findings
  std::string_view ref;  // opaque record id; may be empty
};

class IdentifierSet {
 public:
  static constexpr std::uint32_t kMaxRotations = 8;  // words in a name or term
  static constexpr std::uint32_t kMaxIdentifiers = 1u << 27;

  struct Posting {
    std::uint32_t id;        // identifier index
    std::uint32_t rotation;  // word rotation this tag stands for (0 for the canonical order)
    bool folded;             // the diacritic-folded variant
  };

  // Adds an identifier; returns its id. `tags[r]` is the tag of rotation r
  // (one tag for non-word kinds and terms). `folded_hash` and `folded_tags`
  // are set for names whose folded form differs from the canonical one.
  std::uint32_t Add(Kind kind, const Digest& hash, std::span<const std::uint64_t> tags, std::string_view ref,
                    const std::optional<Digest>& folded_hash = std::nullopt,
                    std::span<const std::uint64_t> folded_tags = {});
  void AddVocabulary(std::uint64_t vocab_tag);
  void set_max_words(std::size_t n) { max_words_ = n; }

  // Sorts the index and builds the lookup tables. Call once, after the last Add.
  void Finalize();

  // Calls fn(Posting) for every posting with this tag.
  template <class Fn>
  void ForEachPosting(std::uint64_t tag, Fn&& fn) const;

  bool InVocabulary(std::uint64_t vocab_tag) const;

  IdentifierView identifier(std::uint32_t id) const {
    return {static_cast<Kind>(kinds_[id]), hashes_[id],
            std::string_view(refs_).substr(ref_offsets_[id], ref_offsets_[id + 1] - ref_offsets_[id])};
  }
  // The folded variant's hash; null when the identifier has none.
  const Digest* folded_hash(std::uint32_t id) const;

  std::size_t size() const { return kinds_.size(); }
  std::size_t postings() const { return entries_.size(); }
  std::size_t vocabulary_size() const { return vocab_count_; }
  // The longest name/term, in words: the scanner's n-gram length.
  std::size_t max_words() const { return max_words_; }
  bool HasKind(Kind kind) const { return (kinds_mask_ & (1u << static_cast<unsigned>(kind))) != 0; }
  // Approximate heap bytes held.
  std::size_t MemoryBytes() const;

  // Reserves room for about `n` identifiers (an optimization for loaders).
  void Reserve(std::size_t n);

 private:
  static std::uint32_t Pack(std::uint32_t id, std::uint32_t rotation, bool folded) {
    return (id << 4) | (folded ? 8u : 0u) | rotation;
  }

  std::vector<std::uint8_t> kinds_;
  std::vector<Digest> hashes_;
  std::string refs_;
  std::vector<std::uint32_t> ref_offsets_{0};
  std::vector<std::pair<std::uint32_t, Digest>> folded_hashes_;  // sorted by id

  // Postings, sorted by tag after Finalize(). Packed: 12 bytes each.
  struct __attribute__((packed)) Entry {
    std::uint64_t tag;
    std::uint32_t meta;  // Pack(id, rotation, folded)
  };
  std::vector<Entry> entries_;
  // bucket b (the top index_bits_ bits of a tag) covers tags_[index_[b], index_[b+1]).
  std::vector<std::uint32_t> index_;
  unsigned index_bits_ = 0;

  // Vocabulary: open addressing on the upper 32 bits of vocab tags; 0 = empty.
  std::vector<std::uint64_t> vocab_pending_;
  std::vector<std::uint32_t> vocab_;
  std::size_t vocab_count_ = 0;

  std::size_t max_words_ = 0;
  std::uint32_t kinds_mask_ = 0;
  bool finalized_ = false;
};

template <class Fn>
void IdentifierSet::ForEachPosting(std::uint64_t tag, Fn&& fn) const {
  if (!finalized_) __builtin_trap();
  if (entries_.empty()) return;
  const std::uint64_t bucket = index_bits_ == 0 ? 0 : tag >> (64 - index_bits_);
  for (std::uint32_t i = index_[bucket], end = index_[bucket + 1]; i < end; ++i) {
    if (entries_[i].tag == tag) {
      std::uint32_t m = entries_[i].meta;
      fn(Posting{m >> 4, m & 7u, (m & 8u) != 0});
    }
  }
}

}  // namespace leakmon
