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
// Lookups: most candidates the scanner tags are not in the set. A small
// in-memory filter (a register-blocked Bloom filter: one 64-bit word per
// tag, two bits, 8-16 bits per posting, so 2 MB for a million identifiers,
// within the CPU's caches) answers ~95% of those without touching the large
// posting table; the rest cost one read of a bucket index and one of the
// postings, sorted by tag. The filter is built from the tags at load time
// and is never written anywhere.
//
// Memory per identifier: 41 bytes plus its ref, plus 8 bytes per posting,
// ~1 for the bucket index and ~1.25 for the filter (68 MB for the benchmark's
// million identifiers, 1.7 million postings). The large arrays live in
// BigArray (huge pages, grown without copies). Build with Add*() then
// Finalize(); after Finalize() the set is immutable and safe to share
// between threads. ForEachPosting() before Finalize() is a bug (it aborts).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "matcher/big_array.h"
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

  IdentifierSet() = default;
  IdentifierSet(IdentifierSet&&) = default;
  IdentifierSet& operator=(IdentifierSet&&) = default;

  // Adds an identifier; returns its id. `tags[r]` is the tag of rotation r
  // (one tag for non-word kinds and terms). `folded_hash` and `folded_tags`
  // are set for names whose folded form differs from the canonical one.
  // Adding after Finalize() is a bug (it aborts).
  std::uint32_t Add(Kind kind, const Digest& hash, std::span<const std::uint64_t> tags, std::string_view ref,
                    const std::optional<Digest>& folded_hash = std::nullopt,
                    std::span<const std::uint64_t> folded_tags = {});
  void AddVocabulary(std::uint64_t vocab_tag);
  void set_max_words(std::size_t n) { max_words_ = n; }

  // Sorts the postings and builds the lookup tables. Call once, after the last Add.
  void Finalize();

  // Calls fn(Posting) for every posting with this tag. In memory a posting
  // keeps the top 32 bits of its tag, so fn may also see a posting whose tag
  // differs in the low 32 bits (about size() / 2^32 per lookup: one in 2,500
  // for a million identifiers). Callers confirm every posting with the full
  // keyed hash anyway; this only costs one HMAC now and then.
  template <class Fn>
  void ForEachPosting(std::uint64_t tag, Fn&& fn) const;
  // False when no posting has this tag (the filter alone: no false
  // negatives, about 5% false positives). Only after Finalize().
  bool MayContain(std::uint64_t tag) const {
    const auto hi = static_cast<std::uint32_t>(tag >> 32);
    return (filter_[hi & filter_mask_] & FilterBits(hi)) == FilterBits(hi);
  }

  // Starts loading the filter word MayContain(tag) reads: a caller with
  // several tags to look up prefetches them all first, so that their cache
  // misses (the filter is megabytes) overlap instead of coming one by one.
  void Prefetch(std::uint64_t tag) const {
    __builtin_prefetch(&filter_[static_cast<std::uint32_t>(tag >> 32) & filter_mask_]);
  }

  // Only after Finalize(). Most page words are not in the vocabulary: a
  // bitmap of about 16 bits per vocabulary word (8 KB for the benchmark's
  // 3,129, within the CPU's L1 cache) answers ~95% of those with one bit.
  bool InVocabulary(std::uint64_t vocab_tag) const {
    const std::size_t bit = static_cast<std::size_t>(vocab_tag >> 40) & vocab_bits_mask_;
    if (vocab_bits_.empty() || ((vocab_bits_[bit >> 6] >> (bit & 63)) & 1) == 0) return false;
    return InVocabularyTable(vocab_tag);
  }

  IdentifierView identifier(std::uint32_t id) const {
    return {static_cast<Kind>(kinds_[id]), hashes_[id],
            std::string_view(refs_.data() + ref_offsets_[id], ref_offsets_[id + 1] - ref_offsets_[id])};
  }
  // The folded variant's hash; null when the identifier has none.
  const Digest* folded_hash(std::uint32_t id) const;

  std::size_t size() const { return kinds_.size(); }
  std::size_t postings() const { return postings_.size(); }
  std::size_t vocabulary_size() const { return vocab_count_; }
  // The longest name/term, in words: the scanner's n-gram length.
  std::size_t max_words() const { return max_words_; }
  bool HasKind(Kind kind) const { return (kinds_mask_ & (1u << static_cast<unsigned>(kind))) != 0; }
  // Approximate resident bytes held.
  std::size_t MemoryBytes() const;

  // Reserves room for about `n` identifiers (an optimization for loaders).
  void Reserve(std::size_t n);

 private:
  static std::uint32_t Pack(std::uint32_t id, std::uint32_t rotation, bool folded) {
    return (id << 4) | (folded ? 8u : 0u) | rotation;
  }
  // A posting: the top 32 bits of its tag, then Pack(). Sorted as numbers,
  // postings are in tag order.
  static std::uint64_t PostingKey(std::uint64_t tag, std::uint32_t meta) {
    return (tag & 0xFFFFFFFF00000000ULL) | meta;
  }
  static void SortPostings(std::uint64_t* a, std::size_t n);
  // Two of the 64 bits of a filter word, from the tag's top bits (the filter
  // word's index comes from its low bits).
  static std::uint64_t FilterBits(std::uint32_t hi) {
    return (std::uint64_t{1} << ((hi >> 20) & 63)) | (std::uint64_t{1} << ((hi >> 26) & 63));
  }
  std::size_t Bucket(std::uint32_t hi) const {
    return index_bits_ == 0 ? 0 : static_cast<std::size_t>(hi >> (32 - index_bits_));
  }

  struct FoldedHash {
    std::uint32_t id;
    Digest hash;
  };

  BigArray<std::uint8_t> kinds_;
  BigArray<Digest> hashes_;
  BigArray<char> refs_;
  BigArray<std::uint32_t> ref_offsets_;  // size() + 1 entries once the first identifier is added
  BigArray<FoldedHash> folded_hashes_;   // by id
  // folded_hashes_ from folded_index_[id >> kFoldedIndexShift] on: a lookup
  // searches the few entries of one block of ids instead of the whole
  // array (each step of which was a cache miss).
  static constexpr unsigned kFoldedIndexShift = 8;
  std::vector<std::uint32_t> folded_index_;

  BigArray<std::uint64_t> postings_;  // sorted after Finalize(); bucket b is postings_[index_[b], index_[b+1])
  BigArray<std::uint32_t> index_;
  unsigned index_bits_ = 0;
  // The first-stage filter (MayContain).
  BigArray<std::uint64_t> filter_;
  std::size_t filter_mask_ = 0;

  // Vocabulary: open addressing on the upper 32 bits of vocab tags; 0 = empty.
  std::vector<std::uint64_t> vocab_pending_;
  std::vector<std::uint32_t> vocab_;
  std::size_t vocab_count_ = 0;
  std::vector<std::uint64_t> vocab_bits_;  // bit (tag >> 40) & vocab_bits_mask_: InVocabulary's first test
  std::size_t vocab_bits_mask_ = 0;
  bool InVocabularyTable(std::uint64_t vocab_tag) const;

  std::size_t max_words_ = 0;
  std::uint32_t kinds_mask_ = 0;
  bool finalized_ = false;
};

template <class Fn>
void IdentifierSet::ForEachPosting(std::uint64_t tag, Fn&& fn) const {
  if (!finalized_) __builtin_trap();
  if (!MayContain(tag)) return;
  const auto hi = static_cast<std::uint32_t>(tag >> 32);
  const std::size_t bucket = Bucket(hi);
  for (std::uint32_t i = index_[bucket], end = index_[bucket + 1]; i < end; ++i) {
    const std::uint64_t p = postings_[i];
    if (static_cast<std::uint32_t>(p >> 32) == hi) {
      const auto m = static_cast<std::uint32_t>(p);
      fn(Posting{m >> 4, m & 7u, (m & 8u) != 0});
    }
  }
}

}  // namespace leakmon
