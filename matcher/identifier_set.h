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
// filter (a register-blocked Bloom filter: one 64-bit word per tag, two
// bits, 8-16 bits per posting, so 2 MB for a million identifiers, within
// the CPU's caches) answers ~95% of those without touching the large
// posting table; the rest cost one read of a bucket index and one of the
// postings, sorted by tag.
//
// Memory per identifier: 41 bytes plus its ref, plus 8 bytes per posting,
// ~1 for the bucket index and ~1.25 for the filter (68 MB for the benchmark's
// million identifiers, 1.7 million postings).
//
// Two ways to get one:
//   - build: Add*() then Finalize(). The arrays live in BigArray (huge
//     pages, grown without copies). ForEachPosting() before Finalize() is a
//     bug (it aborts).
//   - adopt: FromTables() over arrays held elsewhere (a mapped binary
//     identifier file, identifier_set_file.h), checked for consistency and
//     used in place, without a copy. tables() gives a built set's arrays in
//     the same form, for writing that file.
// A finalized set is immutable and safe to share between threads.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
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

  struct FoldedHash {
    std::uint32_t id;
    Digest hash;
  };

  // A finalized set's arrays. FromTables() checks every invariant below
  // that a lookup relies on.
  struct Tables {
    std::span<const std::uint8_t> kinds;         // by id: a Kind
    std::span<const Digest> hashes;              // by id
    std::span<const std::uint32_t> ref_offsets;  // size() + 1, from 0 up to refs.size(); ref i is [i], [i + 1]
    std::span<const char> refs;
    std::span<const FoldedHash> folded_hashes;   // ids strictly ascending
    std::span<const std::uint32_t> folded_index;  // FoldedIndexSize(size()): first folded_hashes entry per block of ids
    std::span<const std::uint64_t> postings;     // ascending PostingKey()s: tag's top 32 bits, then Pack()
    std::span<const std::uint32_t> index;        // 2^index_bits + 1: bucket b is postings [index[b], index[b + 1])
    std::span<const std::uint64_t> filter;       // a power of two of words, at most 2^20
    std::span<const std::uint64_t> vocab_tags;   // strictly ascending
    unsigned index_bits = 0;                     // at most 30
    std::size_t max_words = 0;                   // at most kMaxRotations
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

  // The arrays of a finalized set (which must outlive the views).
  Tables tables() const;
  // A finalized set over `tables`, which stay where they are; `owner` keeps
  // them alive as long as the set (or a set moved from it) lives. Fails,
  // saying which table is wrong, when they break an invariant of Tables.
  // O(size): reads every table but the hashes and the filter.
  static Result<IdentifierSet> FromTables(const Tables& tables, std::shared_ptr<const void> owner);
  static std::size_t FoldedIndexSize(std::size_t identifiers) { return (identifiers >> kFoldedIndexShift) + 2; }

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
    return (t_.filter[hi & filter_mask_] & FilterBits(hi)) == FilterBits(hi);
  }

  // Starts loading the filter word MayContain(tag) reads: a caller with
  // several tags to look up prefetches them all first, so that their cache
  // misses (the filter is megabytes) overlap instead of coming one by one.
  void Prefetch(std::uint64_t tag) const {
    __builtin_prefetch(&t_.filter[static_cast<std::uint32_t>(tag >> 32) & filter_mask_]);
  }

  // Only after Finalize(). Most page words are not in the vocabulary: a
  // bitmap of about 16 bits per vocabulary word (8 KB for the benchmark's
  // 3,129, within the CPU's L1 cache) answers ~95% of those with one bit.
  bool InVocabulary(std::uint64_t vocab_tag) const {
    const std::size_t bit = static_cast<std::size_t>(vocab_tag >> 40) & vocab_bits_mask_;
    if (vocab_bits_.empty() || ((vocab_bits_[bit >> 6] >> (bit & 63)) & 1) == 0) return false;
    return InVocabularyTable(vocab_tag);
  }

  // `id` < size(): a posting's id is.
  IdentifierView identifier(std::uint32_t id) const {
    // Clamped to the refs table, like every offset read from the tables: an
    // adopted set's memory is a mapped file, which FromTables() checked but
    // which a writer that ignores the rules could still change under us.
    const auto refs = static_cast<std::uint32_t>(t_.refs.size());
    const std::uint32_t begin = std::min(t_.ref_offsets[id], refs);
    const std::uint32_t end = std::clamp(t_.ref_offsets[id + 1], begin, std::min(refs, begin + 64));
    return {static_cast<Kind>(t_.kinds[id]), t_.hashes[id], std::string_view(t_.refs.data() + begin, end - begin)};
  }
  // The folded variant's hash; null when the identifier has none.
  const Digest* folded_hash(std::uint32_t id) const;

  std::size_t size() const { return finalized_ ? t_.kinds.size() : kinds_.size(); }
  std::size_t postings() const { return t_.postings.size(); }
  std::size_t vocabulary_size() const { return t_.vocab_tags.size(); }
  // The longest name/term, in words: the scanner's n-gram length.
  std::size_t max_words() const { return finalized_ ? t_.max_words : max_words_; }
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
  std::size_t Bucket(std::uint32_t hi) const { return BucketOf(hi, t_.index_bits); }
  static std::size_t BucketOf(std::uint32_t hi, unsigned index_bits) {
    return index_bits == 0 ? 0 : static_cast<std::size_t>(hi >> (32 - index_bits));
  }
  // The vocabulary's probing table and bitmap, from t_.vocab_tags.
  void BuildVocabulary();

  // What lookups read: views of the arrays below (a built set) or of the
  // owner's memory (an adopted one).
  Tables t_;
  std::shared_ptr<const void> owner_;

  // A built set's arrays.
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
  BigArray<std::uint64_t> filter_;  // the first-stage filter (MayContain)
  std::vector<std::uint64_t> vocab_tags_;

  std::size_t filter_mask_ = 0;
  // Vocabulary: open addressing on the upper 32 bits of vocab tags; 0 = empty.
  std::vector<std::uint32_t> vocab_;
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
  const std::size_t end = std::min<std::size_t>(t_.index[bucket + 1], t_.postings.size());  // clamped: see identifier()
  for (std::size_t i = t_.index[bucket]; i < end; ++i) {
    const std::uint64_t p = t_.postings[i];
    const auto m = static_cast<std::uint32_t>(p);
    if (static_cast<std::uint32_t>(p >> 32) == hi && (m >> 4) < t_.kinds.size()) {
      fn(Posting{m >> 4, m & 7u, (m & 8u) != 0});
    }
  }
}

}  // namespace leakmon
